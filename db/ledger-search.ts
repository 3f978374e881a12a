import type { KeywardDatabase } from './connection';
import type { LedgerEntry } from '../core/ledger/ledger';
import { toLedgerEntry } from './ledger';

/** What a person narrows the ledger to; every part optional, all of them together. */
export interface LedgerQuery {
  /** Kinds, or kind families ending in a dot (`custody.`). */
  readonly kinds?: readonly string[];
  /** Entries about this authenticator (its id in the payload). */
  readonly authenticatorId?: number;
  /** UTC instants: recorded at or after `from`, before `to`. */
  readonly from?: string;
  readonly to?: string;
  /** Text anywhere in the entry, case aside. */
  readonly text?: string;
}

function where(query: LedgerQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.kinds?.length) {
    parts.push(`(${query.kinds.map(() => "(kind = ? OR (substr(?, -1) = '.' AND substr(kind, 1, length(?)) = ?))").join(' OR ')})`);
    for (const kind of query.kinds) params.push(kind, kind, kind, kind);
  }
  if (query.authenticatorId !== undefined) {
    parts.push("json_extract(body, '$.payload.authenticatorId') = ?");
    params.push(query.authenticatorId);
  }
  if (query.from) {
    parts.push("json_extract(body, '$.recordedAt') >= ?");
    params.push(query.from);
  }
  if (query.to) {
    parts.push("json_extract(body, '$.recordedAt') < ?");
    params.push(query.to);
  }
  if (query.text) {
    parts.push('instr(lower(body), lower(?)) > 0');
    params.push(query.text);
  }
  return { sql: parts.length ? `AND ${parts.join(' AND ')}` : '', params };
}

/**
 * One page of the entries that match, newest first, before `beforeSeq` (keyset paging: a page
 * costs the same at entry 100,000 as at entry 50), and how many match in all.
 */
export function searchEntries(db: KeywardDatabase, query: LedgerQuery, page: { limit: number; beforeSeq?: number }): { entries: LedgerEntry[]; total: number } {
  const { sql, params } = where(query);
  const rows = db.prepare(`SELECT body, hash FROM ledger_entries WHERE seq < ? ${sql} ORDER BY seq DESC LIMIT ?`).all(page.beforeSeq ?? Number.MAX_SAFE_INTEGER, ...params, page.limit) as { body: string; hash: string }[];
  const total = sql ? (db.prepare(`SELECT count(*) FROM ledger_entries WHERE 1 ${sql}`).pluck().get(...params) as number) : (db.prepare('SELECT count(*) FROM ledger_entries').pluck().get() as number);
  return { entries: rows.map(toLedgerEntry), total };
}
