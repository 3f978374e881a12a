import { exportLedger, recentEntries, verifyExportedLedger, verifyStoredLedger } from '../../app/ledger/ledger';
import { readStatus } from '../../app/inventory/status';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { CommandModule, CommandResult } from '../command';
import { findingLines, table } from '../format';
import { withProgress } from '../progress';

function verificationResult(result: LedgerVerification, source: string): CommandResult {
  const human = result.ok
    ? `ledger OK: ${result.entries} entries verified in ${source}${result.threads ? ` (on ${result.threads} threads)` : ''}\nhead: seq ${result.headSeq} ${result.headHash}`
    : `LEDGER VERIFICATION FAILED at entry ${result.firstBadSeq} (${result.reason})\n${result.message}\n` +
      `verified before it: ${result.entries} entries, last good head seq ${result.headSeq} ${result.headHash}`;
  return { value: result, human, finding: result, exitCode: result.ok ? 0 : 2 };
}

export const runs = {
  init: ({ initSession, databasePath }) => {
    const { session, created } = initSession();
    const status = readStatus(session.db);
    return { value: { created, path: databasePath, ...status }, human: `${created ? 'created' : 'already initialised'}: ${databasePath}\nledger head: ${status.ledger.headHash}` };
  },
  status: ({ session, databasePath }) => {
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
  ledgerVerify: async ({ options, session, io }) => {
    if (typeof options.file === 'string') return verificationResult(verifyExportedLedger(options.file, { expectHead: options['expect-head'] }), options.file);
    const { db } = session();
    const { throughCheckpoint } = await import('../../app/ledger/checkpoints');
    const verified = withProgress(io, 'verifying the ledger', 'entries', (report) => verifyStoredLedger(db, { expectHead: options['expect-head'] }, report));
    return verificationResult(throughCheckpoint(db, verified, options['expect-checkpoint']), 'the database');
  },
  ledgerExport: ({ options, session }) => {
    const result = exportLedger(session().db, options.out as string);
    return { value: { ...result, out: options.out }, human: `exported ${result.entries} entries to ${options.out}\nhead: ${result.headHash}` };
  },
  ledgerShow: ({ options, session }) => {
    const limit = options.limit === undefined ? 20 : Number(options.limit);
    const entries = recentEntries(session().db, { limit: Number.isNaN(limit) ? options.limit : limit });
    return {
      value: entries,
      human: table(['SEQ', 'RECORDED (UTC)', 'OFFSET', 'KIND', 'ACTOR', 'HASH'], entries.map((e) => [e.seq, e.recordedAt, e.utcOffset, e.kind, e.actors.map((a) => a.name).join(', '), e.hash.slice(0, 16)])),
    };
  },
} satisfies CommandModule['runs'];
