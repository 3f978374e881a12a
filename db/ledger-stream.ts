import type { LedgerEntryKind } from '../core/ledger/ledger';
import type { KeywardDatabase } from './connection';

/** What a reader of the history needs of an entry: its place, kind, time and payload (no actors, approvals or hash). */
export interface EntryFields {
  readonly seq: number;
  readonly kind: LedgerEntryKind;
  readonly recordedAt: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface EntryRange {
  /** Only entries after this seq (0, the default: from the first). */
  readonly after?: number;
  /** The last entry read: entries appended after it (while a report is written, say) are left out of every pass. */
  readonly upTo: number;
  /** Only entries recorded within [from, to] (UTC instants). */
  readonly within?: { readonly from: string; readonly to: string };
}

/**
 * Entries per read: a window of seqs, so each read is a small index search however the kinds are
 * spread; 256, a few pages of a report, so that a window's entries do not outlive the pages written from them.
 */
const WINDOW = 256;

const kindList = (kinds: readonly LedgerEntryKind[]) => kinds.map(() => '?').join(', ');
const period = (range: EntryRange) => (range.within ? " AND json_extract(body, '$.recordedAt') BETWEEN ? AND ?" : '');
const periodArgs = (range: EntryRange) => (range.within ? [range.within.from, range.within.to] : []);

/**
 * Entries of these kinds, oldest first, read a window of seqs at a time: memory stays flat in the
 * ledger's size, and no statement is left open between reads (the connection stays free for others
 * while a long report is written between windows). Only the payload is parsed.
 */
export function* streamEntriesOfKinds(db: KeywardDatabase, kinds: readonly LedgerEntryKind[], range: EntryRange, window = WINDOW): Generator<EntryFields> {
  const read = db
    .prepare(`SELECT seq, kind, json_extract(body, '$.recordedAt'), json_extract(body, '$.payload') FROM ledger_entries WHERE kind IN (${kindList(kinds)}) AND seq > ? AND seq <= ?${period(range)} ORDER BY seq`)
    .raw();
  for (let after = range.after ?? 0; after < range.upTo; after += window) {
    const rows = read.all(...kinds, after, Math.min(after + window, range.upTo), ...periodArgs(range)) as [number, LedgerEntryKind, string, string][];
    for (const [seq, kind, recordedAt, payload] of rows) yield { seq, kind, recordedAt, payload: JSON.parse(payload) as Record<string, unknown> };
  }
}

/** How many entries of each of these kinds the range holds. */
export function countEntriesOfKinds(db: KeywardDatabase, kinds: readonly LedgerEntryKind[], range: EntryRange): Map<LedgerEntryKind, number> {
  const rows = db
    .prepare(`SELECT kind, count(*) FROM ledger_entries WHERE kind IN (${kindList(kinds)}) AND seq > ? AND seq <= ?${period(range)} GROUP BY kind`)
    .raw()
    .all(...kinds, range.after ?? 0, range.upTo, ...periodArgs(range)) as [LedgerEntryKind, number][];
  return new Map(rows);
}
