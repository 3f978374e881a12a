import { findingLines } from './findings';
import { exportLedger, recentEntries, verifyExportedLedger, verifyStoredLedger } from '../../app/ledger/ledger';
import { readStatus } from '../../app/inventory/status';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { Command, CommandResult } from '../command';
import { table } from '../format';

function verificationResult(result: LedgerVerification, source: string): CommandResult {
  const human = result.ok
    ? `ledger OK: ${result.entries} entries verified in ${source}\nhead: seq ${result.headSeq} ${result.headHash}`
    : `LEDGER VERIFICATION FAILED at entry ${result.firstBadSeq} (${result.reason})\n${result.message}\n` +
      `verified before it: ${result.entries} entries, last good head seq ${result.headSeq} ${result.headHash}`;
  return { value: result, human, finding: result, exitCode: result.ok ? 0 : 2 };
}

export const ledgerCommands: Command[] = [
  {
    path: ['init'],
    summary: 'Create the database and the ledger\'s first entry (does nothing if it exists)',
    options: {},
    run: ({ initSession, databasePath }) => {
      const { session, created } = initSession();
      const status = readStatus(session.db);
      return { value: { created, path: databasePath, ...status }, human: `${created ? 'created' : 'already initialised'}: ${databasePath}\nledger head: ${status.ledger.headHash}` };
    },
  },
  {
    path: ['status'],
    summary: 'Show the open findings, the ledger\'s verification, counts and what is out; exit 2 while a critical finding is open',
    options: {},
    run: ({ session, databasePath }) => {
      const status = readStatus(session().db, session().clock.now());
      const expiry = status.earliestExpiry;
      const { findings } = status;
      const attention = !findings.ledgerVerified || findings.open.critical > 0;
      const states = Object.entries(status.authenticators.byState).map(([state, n]) => `${n} ${state}`).join(', ') || 'none';
      return {
        value: { path: databasePath, ...status },
        human: [
          `database:       ${databasePath} (schema ${status.schemaVersion})`,
          `accounts:       ${status.accounts}`,
          `authenticators: ${status.authenticators.total} (${states})`,
          `custodians:     ${status.activeCustodians} active`,
          `ledger:         ${status.ledger.entries} entries, head ${status.ledger.headHash}`,
          `verification:   ${findings.ledgerVerified ? 'verified' : `LEDGER DID NOT VERIFY: ${findings.ledgerProblem}`}`,
          `findings:       ${findings.open.critical} critical, ${findings.open.warning} warning, ${findings.open.notice} notice open`,
          `out now:        ${status.custody.out.join(', ') || 'nothing'}`,
          ...(expiry
            ? [`${expiry.state === 'expired' ? 'EXPIRED:       ' : 'first expiry:  '} ${expiry.label} certificate ${expiry.state === 'expired' ? 'expired' : 'expires'} ${expiry.notAfter.slice(0, 10)}${expiry.state === 'expired' ? '' : ` (in ${expiry.days} days${expiry.state === 'expiring' ? ', within the window' : ''})`}`]
            : []),
          ...(status.validation.due ? [`validation due: ${status.validation.because}`] : []),
          ...(status.custody.overdue.length ? [`OVERDUE:        ${status.custody.overdue.join(', ')}`] : []),
          ...(status.custody.awaitingCountersign.length ? [`NO WITNESS:     ${status.custody.awaitingCountersign.join(', ')} (countersignature needed)`] : []),
          ...(findings.findings.length ? ['', 'open findings (most severe first):', ...findingLines(findings.findings)] : []),
        ].join('\n'),
        exitCode: attention ? 2 : 0,
      };
    },
  },
  {
    path: ['ledger', 'verify'],
    summary: 'Walk the hash chain and name the first bad entry',
    options: {
      'expect-head': { type: 'string', value: 'HASH', help: 'a head hash printed earlier (e.g. on a report); fails if the ledger no longer contains it' },
      file: { type: 'string', value: 'FILE', help: 'verify an exported JSON Lines file instead of the database' },
    },
    run: ({ options, session }) => {
      if (typeof options.file === 'string') return verificationResult(verifyExportedLedger(options.file, { expectHead: options['expect-head'] }), options.file);
      return verificationResult(verifyStoredLedger(session().db, { expectHead: options['expect-head'] }), 'the database');
    },
  },
  {
    path: ['ledger', 'export'],
    summary: 'Write the ledger as JSON Lines that verify on their own',
    options: { out: { type: 'string', required: true, value: 'FILE', help: 'file to write' } },
    run: ({ options, session }) => {
      const result = exportLedger(session().db, options.out as string);
      return { value: { ...result, out: options.out }, human: `exported ${result.entries} entries to ${options.out}\nhead: ${result.headHash}` };
    },
  },
  {
    path: ['ledger', 'show'],
    summary: 'Show the most recent ledger entries',
    options: { limit: { type: 'string', value: 'N', help: 'how many entries (default 20, at most 1000)' } },
    run: ({ options, session }) => {
      const limit = options.limit === undefined ? 20 : Number(options.limit);
      const entries = recentEntries(session().db, { limit: Number.isNaN(limit) ? options.limit : limit });
      return {
        value: entries,
        human: table(['SEQ', 'RECORDED (UTC)', 'OFFSET', 'KIND', 'ACTOR', 'HASH'], entries.map((e) => [e.seq, e.recordedAt, e.utcOffset, e.kind, e.actors.map((a) => a.name).join(', '), e.hash.slice(0, 16)])),
      };
    },
  },
];
