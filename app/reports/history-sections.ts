import type { LedgerEntryKind } from '../../core/ledger/ledger';
import type { ReportSection, RowStream, TableRows } from '../../core/reports/report';
import type { KeywardDatabase } from '../../db/connection';
import { countEntriesOfKinds, streamEntriesOfKinds, type EntryFields, type EntryRange } from '../../db/ledger-stream';

/**
 * The report's tables of the ledger's own history in the period: custody transactions, presence
 * checks, network proofs. Years of them make a report of thousands of pages, so their rows are
 * counted here and read from the ledger on each pass over them, a window at a time, never held.
 */

type Time = (iso: string) => string;
type Section = ReportSection<TableRows>;

const CUSTODY_KINDS = ['custody.checked_out', 'custody.returned', 'custody.countersigned'] as const;

function ledgerRows(db: KeywardDatabase, kinds: readonly LedgerEntryKind[], range: EntryRange, row: (e: EntryFields) => readonly string[]): { rows: RowStream; counts: ReadonlyMap<LedgerEntryKind, number> } {
  const counts = countEntriesOfKinds(db, kinds, range);
  let count = 0;
  for (const n of counts.values()) count += n;
  return {
    counts,
    rows: {
      count,
      *rows() {
        for (const e of streamEntriesOfKinds(db, kinds, range)) yield row(e);
      },
    },
  };
}

const payloadText = (e: EntryFields, key: string): string => {
  const value = e.payload[key];
  return value === null || value === undefined ? '' : String(value);
};

/** Every checkout, return and countersignature of the period, and how many checkouts (each broke a seal). */
export function transactionsSection(db: KeywardDatabase, range: EntryRange, names: ReadonlyMap<number, string>, t: Time, zone: string): { section: Section; checkouts: number } {
  const who = (e: EntryFields, key: string) => names.get(Number(e.payload[key])) ?? '';
  const item = (e: EntryFields) => `${payloadText(e, 'label')}${e.payload.drill === true ? ' (drill)' : ''}`;
  const { rows, counts } = ledgerRows(db, CUSTODY_KINDS, range, (e) => {
    if (e.kind === 'custody.checked_out') {
      return [String(e.seq), t(e.recordedAt), 'checked out', item(e), who(e, 'custodianId'), who(e, 'witnessId') || 'NO WITNESS', `broke ${payloadText(e, 'brokenSeal')} (${e.payload.sealIntact ? 'intact' : 'TAMPERED'}); ${payloadText(e, 'reason')} ${payloadText(e, 'ticket')}`.trim()];
    }
    if (e.kind === 'custody.returned') {
      const presenceResult = (e.payload.presence as { result?: string } | null)?.result;
      return [String(e.seq), t(e.recordedAt), 'returned', item(e), who(e, 'custodianId'), who(e, 'witnessId'), `sealed ${payloadText(e, 'newSeal')}${presenceResult ? `; presence ${presenceResult.toUpperCase()}` : ''}`];
    }
    return [String(e.seq), t(e.recordedAt), 'countersigned', item(e), '', who(e, 'countersignerId'), `checkout entry ${payloadText(e, 'checkoutSeq')}`];
  });
  return {
    checkouts: counts.get('custody.checked_out') ?? 0,
    section: {
      title: 'Transactions in the period',
      table: {
        columns: [
          { header: 'Entry', width: 0.07 },
          { header: `When ${zone}`, width: 0.17 },
          { header: 'Event', width: 0.12 },
          { header: 'Item', width: 0.12 },
          { header: 'Custodian', width: 0.14 },
          { header: 'Witness', width: 0.14 },
          { header: 'Seals / details', width: 0.24 },
        ],
        rows,
        empty: 'No checkouts or returns in this period.',
      },
    },
  };
}

export function presenceSection(db: KeywardDatabase, range: EntryRange, t: Time, zone: string): Section {
  const { rows } = ledgerRows(db, ['presence.checked'], range, (e) => [
    String(e.seq),
    t(e.recordedAt),
    `${payloadText(e, 'label')}${e.payload.drill ? ' (drill)' : ''}`,
    payloadText(e, 'result').toUpperCase(),
    ((e.payload.findings as { text?: string }[] | undefined) ?? []).map((f) => f.text ?? '').join('; ') || '—',
  ]);
  return {
    title: 'Presence checks',
    table: {
      columns: [{ header: 'Entry', width: 0.08 }, { header: `When ${zone}`, width: 0.18 }, { header: 'Item', width: 0.14 }, { header: 'Result', width: 0.1 }, { header: 'Findings', width: 0.5 }],
      rows,
      empty: 'No presence checks in this period.',
    },
  };
}

export function proofsSection(db: KeywardDatabase, range: EntryRange, t: Time, zone: string): Section {
  // A room with two sites proves each one's paths: the site says which room's proof a row is.
  const { rows } = ledgerRows(db, ['netpath.proved'], range, (e) => [String(e.seq), t(e.recordedAt), payloadText(e, 'site') || '—', payloadText(e, 'verdict').replace('_', ' ').toUpperCase(), payloadText(e, 'summary')]);
  return {
    title: 'Network path proofs',
    table: {
      columns: [{ header: 'Entry', width: 0.08 }, { header: `When ${zone}`, width: 0.18 }, { header: 'Site', width: 0.12 }, { header: 'Verdict', width: 0.13 }, { header: 'Summary', width: 0.49 }],
      rows,
      empty: 'No network path proofs in this period.',
    },
  };
}
