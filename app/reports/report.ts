import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { KeywardError } from '../../core/errors';
import { parseText } from '../../core/inventory/inventory';
import { holdRows, localTime, reportId, type CustodyReport, type ReportSection, type Signatory, type StreamedReport, type TableRows } from '../../core/reports/report';
import { formatUtcOffset } from '../../core/ledger/ledger';
import { listCustody } from '../custody/custody';
import { listInventory } from '../inventory/inventory';
import { ledgerHead, verifyStoredLedger } from '../ledger/ledger';
import type { ProgressReport, Session } from '../ports';
import { custodiansSection, findingsSection, incidentsSection, sealSection, verificationSection } from './report-sections';
import { presenceSection, proofsSection, transactionsSection } from './history-sections';
import { readValidation } from '../guidance/validation';
import { assessPosture } from '../guidance/posture';
import { expiryState } from '../../core/cards/smartcard';
import { listCardCertificates } from '../../db/smartcards';
import { readOrganisationFacts } from '../../db/posture-facts';
import { judgeNow } from '../findings/findings';
import { listCheckpoints } from '../ledger/checkpoints';
import { checkpointsSection } from './checkpoints-section';
import { withLeanHeapSync } from './lean-heap';

export interface ReportInput {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly organisation?: unknown;
  readonly site?: unknown;
  /** "Name|Role" for each person who signs the report. */
  readonly signatories?: readonly unknown[];
  /** Make the report although the ledger does not verify; every page then carries a red banner saying so. */
  readonly despiteFailedVerification?: boolean;
}

/** A date (the whole day, in the room's own time zone) or a date-time with zone, as a UTC instant. */
function parseDay(value: unknown, field: string, endOfDay: boolean, utcOffset: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new KeywardError('invalid_input', `--${field} is required (a date like 2026-11-01)`, field);
  const text = value.trim();
  const iso = /^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}${utcOffset}` : text;
  const at = Date.parse(iso);
  if (!/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(at)) throw new KeywardError('invalid_input', `"${text}" is not a date (2026-11-01) or a date-time with zone`, field);
  return new Date(at).toISOString();
}

function parseSignatory(value: unknown): Signatory {
  const text = parseText(value, 'signatory', { required: true, max: 160 });
  const [name, role] = text.split('|').map((p) => p.trim());
  if (!name || !role) throw new KeywardError('invalid_input', `"${text}" is not a signatory; write "Name|Role"`, 'signatory');
  return { name, role };
}

/** The report with every row in memory, for a screen that shows it whole (the PDF is written from gatherCustodyReport). */
export function buildCustodyReport(session: Session, input: ReportInput, progress?: ProgressReport): CustodyReport {
  return holdRows(gatherCustodyReport(session, input, progress));
}

/**
 * Gathers everything the custody report shows, for a period, from the inventory and the ledger, up
 * to the head it prints: the ledger's own tables (transactions, checks, proofs) are counted here and
 * read again as the report is written, so a history of any length is never held. `progress` hears
 * how far verification has got.
 */
export function gatherCustodyReport(session: Session, input: ReportInput, progress?: ProgressReport, verified?: LedgerVerification): StreamedReport {
  return withLeanHeapSync(() => gather(session, input, progress, verified));
}

/**
 * `verified`: the ledger's verification made beforehand (the desktop makes it on a thread of its
 * own, so that main keeps answering); used when it reached the head the report prints, and the
 * ledger is verified here otherwise.
 */
function gather(session: Session, input: ReportInput, progress?: ProgressReport, verified?: LedgerVerification): StreamedReport {
  const now = session.clock.now();
  const offset = formatUtcOffset(session.clock.utcOffsetMinutes(now));
  const from = parseDay(input.from, 'from', false, offset);
  const to = parseDay(input.to, 'to', true, offset);
  if (from > to) throw new KeywardError('invalid_input', 'the period ends before it starts', 'to');
  const organisation = parseText(input.organisation, 'organisation', { required: false, max: 120 }) || 'Organisation not set';
  const site = parseText(input.site, 'site', { required: false, max: 120 }) || 'Site not set';
  const signatories = (input.signatories ?? []).map(parseSignatory);
  // Tables give times without their zone, named once in the column's header: a row stays one line.
  const t = (iso: string) => localTime(iso, offset).slice(0, 16);
  const zone = `(UTC${offset})`;
  const head = ledgerHead(session.db);
  // A failed verification stands; a sound one counts for the report only if it reached the head the report prints.
  const upToHead = verified && (!verified.ok || (verified.headSeq === head.seq && verified.headHash === head.hash)) ? verified : undefined;
  const { verification, findings } = judgeNow(session, upToHead ?? verifyStoredLedger(session.db, {}, progress));
  if (!verification.ok && input.despiteFailedVerification !== true) {
    throw new KeywardError('verification_failed', `the ledger does not verify (entry ${verification.firstBadSeq ?? '?'}: ${verification.message ?? verification.reason}); no report was made`, 'ledger');
  }
  const inventory = listInventory(session);
  const validation = readValidation(session);
  const open = listCustody(session, { open: true });
  const overdue = open.filter((c) => c.overdue).length;
  const range = { upTo: head.seq, within: { from, to } };
  const transactions = transactionsSection(session.db, range, new Map(inventory.custodians.map((c) => [c.id, c.name])), t, zone);
  const posture = assessPosture(session);
  const cards = listCardCertificates(session.db);
  const windowDays = readOrganisationFacts(session.db).expiryWindowDays;
  const windowLine = cards.length ? [`Certificates expiring within ${windowDays} days are flagged (the organisation's window).`] : [];
  const drillItems = new Set(inventory.authenticators.filter((a) => a.simulated).map((a) => a.label));
  const generatedAt = now.toISOString();

  const sections: ReportSection<TableRows>[] = [
    verificationSection(verification, localTime(generatedAt, offset)),
    findingsSection(findings, from, to, t, zone),
    incidentsSection(findings, from, to, t, zone),
    {
      title: 'Emergency access accounts',
      table: {
        columns: [{ header: 'UPN', width: 0.4 }, { header: 'Entra object id', width: 0.35, mono: true }, { header: 'Label', width: 0.25 }],
        rows: inventory.accounts.map((a) => [a.upn, a.objectId, a.label]),
        empty: 'No emergency accounts are recorded yet.',
      },
    },
    {
      title: 'Authenticators',
      table: {
        columns: [
          { header: 'Label', width: 0.12 },
          { header: 'Kind', width: 0.1 },
          { header: 'Model', width: 0.16 },
          { header: 'Serial', width: 0.1, mono: true },
          { header: 'Place', width: 0.14 },
          { header: 'State', width: 0.1 },
          { header: 'Account', width: 0.14 },
          { header: 'Last presence check', width: 0.14 },
        ],
        rows: inventory.authenticators.map((a) => [
          `${a.label}${a.simulated ? ' (drill)' : ''}`,
          a.kind,
          `${a.metadata ? `${a.metadata.model} (${a.metadata.certification}, metadata status ${a.metadata.status}; ${a.metadata.genuineness})` : (a.model ?? 'not enrolled')}${a.expiresAt ? `, certificate expires ${a.expiresAt.slice(0, 10)}` : ''}`,
          a.serial,
          a.placeName ?? '',
          a.state.replace('_', ' '),
          a.accountUpn ?? '',
          a.lastCheckedAt ? `${a.lastResult?.toUpperCase()} ${t(a.lastCheckedAt)}` : 'never',
        ]),
        empty: 'No authenticators are recorded yet.',
      },
    },
    custodiansSection(session.db, inventory.custodians),
    sealSection(inventory.seals, transactions.checkouts),
    {
      title: 'Out now and overdue',
      lines: open.length ? [`${open.length} item(s) out of the safe; ${overdue} overdue.`] : [],
      table: {
        columns: [
          { header: 'Item', width: 0.14 },
          { header: 'Custodian', width: 0.15 },
          { header: 'Witness', width: 0.15 },
          { header: 'Reason', width: 0.12 },
          { header: `Out since ${zone}`, width: 0.22 },
          { header: `Expected back ${zone}`, width: 0.22 },
        ],
        rows: open.map((c) => [`${c.label}${drillItems.has(c.label) ? ' (drill)' : ''}`, c.custodian, c.witness ?? 'NO WITNESS', c.reason, t(c.checkedOutAt), `${t(c.expectedReturnAt)}${c.overdue ? ' OVERDUE' : ''}`]),
        empty: 'Everything is in the safe: nothing is out.',
      },
    },
    transactions.section,
    {
      title: 'Smartcard certificates',
      lines: windowLine,
      table: {
        columns: [
          { header: 'Card', width: 0.12 },
          { header: 'Subject', width: 0.2 },
          { header: 'Issuer', width: 0.18 },
          { header: 'Serial', width: 0.22, mono: true },
          { header: 'Not after', width: 0.12 },
          { header: 'State', width: 0.16 },
        ],
        rows: cards.map((c) => {
          const expiry = expiryState(c.certificate.notAfter, now, windowDays);
          return [
            `${c.label}${c.simulated ? ' (drill)' : ''}`,
            c.certificate.subject,
            c.certificate.issuer,
            c.certificate.serial,
            c.certificate.notAfter.slice(0, 10),
            c.retired ? 'retired or lost' : expiry.state === 'expired' ? 'EXPIRED' : expiry.state === 'expiring' ? `EXPIRES in ${expiry.days} days` : `valid, ${expiry.days} days left`,
          ];
        }),
        empty: 'No smartcards are enrolled.',
      },
    },
    presenceSection(session.db, range, t, zone),
    proofsSection(session.db, range, t, zone),
    {
      title: 'Posture against the guidance',
      table: {
        columns: [{ header: 'Result', width: 0.11 }, { header: 'Rule', width: 0.27 }, { header: 'Evidence', width: 0.31 }, { header: 'Guidance', width: 0.31 }],
        rows: posture.map((r) => [r.result.toUpperCase(), r.title, r.evidence, r.guidance]),
        empty: 'No posture rules could be judged.',
      },
    },
    {
      title: 'Validation status',
      lines: [
        validation.due ? `A validation is due: ${validation.reasons.join('; ')}.` : `No validation is due; the next falls due by ${validation.dueAt?.slice(0, 10)} (${validation.daysRemaining} days).`,
        ...(validation.current ? ['A validation is under way.'] : []),
      ],
    },
    checkpointsSection(listCheckpoints(session.db), from, to, t),
  ];
  return {
    id: reportId(generatedAt, head.hash),
    organisation,
    site,
    from,
    to,
    generatedAt,
    utcOffset: offset,
    headSeq: head.seq,
    headHash: head.hash,
    verification: { ok: verification.ok, firstBadSeq: verification.firstBadSeq ?? null, reason: verification.reason?.replace(/_/g, ' ') ?? null, problem: verification.ok ? null : (verification.message ?? verification.reason ?? 'verification failed') },
    sections,
    signatories,
  };
}
