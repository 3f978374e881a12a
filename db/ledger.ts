import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from '../core/canonical-json';
import { KeywardError } from '../core/errors';
import { GENESIS_HASH, entryHashInput, type Actor, type LedgerEntry } from '../core/ledger';
import { verifyChain, type LedgerVerification, type StoredEntryRow } from '../core/ledger-verification';
import type { KeywardDatabase } from './connection';

export interface LedgerTimestamp {
  /** ISO 8601 UTC instant with milliseconds. */
  readonly recordedAt: string;
  readonly utcOffset: string;
}

export interface NewLedgerEntry {
  readonly kind: string;
  readonly actors: readonly Actor[];
  readonly payload: { readonly [key: string]: JsonValue };
}

export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const SELECT_ROWS = `SELECT seq, recorded_at AS recordedAt, utc_offset AS utcOffset, actors AS actorsJson, kind,
  payload AS payloadJson, prev_hash AS prevHash, hash FROM ledger_entries`;

/**
 * Appends one entry, linked to the current head. Runs in its own transaction, or as part of
 * the caller's (a use case writes its inventory change and its entry together).
 */
export function appendEntry(db: KeywardDatabase, entry: NewLedgerEntry, at: LedgerTimestamp): LedgerEntry {
  let actorsJson: string;
  let payloadJson: string;
  try {
    actorsJson = canonicalJson(entry.actors as unknown as JsonValue, '$.actors');
    payloadJson = canonicalJson(entry.payload as JsonValue, '$.payload');
  } catch (error) {
    throw new KeywardError('invalid_input', `ledger entry cannot be stored: ${(error as Error).message}`, 'payload');
  }
  if (entry.actors.length === 0) throw new KeywardError('invalid_input', 'a ledger entry needs at least one actor', 'actors');
  return db.transaction((): LedgerEntry => {
    const head = readHead(db);
    const seq = head.seq + 1;
    const fields = { seq, recordedAt: at.recordedAt, utcOffset: at.utcOffset, actorsJson, kind: entry.kind, payloadJson, prevHash: head.hash };
    const hash = sha256Hex(entryHashInput(fields));
    insertStatement(db).run({ ...fields, hash });
    return { seq, recordedAt: at.recordedAt, utcOffset: at.utcOffset, actors: entry.actors, kind: entry.kind, payload: entry.payload, prevHash: head.hash, hash };
  }).immediate();
}

const insertStatements = new WeakMap<KeywardDatabase, ReturnType<KeywardDatabase['prepare']>>();
function insertStatement(db: KeywardDatabase) {
  let statement = insertStatements.get(db);
  if (!statement) {
    statement = db.prepare(
      `INSERT INTO ledger_entries (seq, recorded_at, utc_offset, actors, kind, payload, prev_hash, hash)
       VALUES (@seq, @recordedAt, @utcOffset, @actorsJson, @kind, @payloadJson, @prevHash, @hash)`,
    );
    insertStatements.set(db, statement);
  }
  return statement;
}

export function readHead(db: KeywardDatabase): LedgerHead {
  const row = db.prepare('SELECT seq, hash FROM ledger_entries ORDER BY id DESC LIMIT 1').get() as LedgerHead | undefined;
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

export function toLedgerEntry(row: StoredEntryRow): LedgerEntry {
  return {
    seq: row.seq,
    recordedAt: row.recordedAt,
    utcOffset: row.utcOffset,
    actors: JSON.parse(row.actorsJson) as Actor[],
    kind: row.kind,
    payload: JSON.parse(row.payloadJson) as LedgerEntry['payload'],
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** Newest first; `beforeSeq` pages backwards. */
export function listEntries(db: KeywardDatabase, options: { limit: number; beforeSeq?: number }): LedgerEntry[] {
  const rows = db
    .prepare(`${SELECT_ROWS} WHERE seq < ? ORDER BY seq DESC LIMIT ?`)
    .all(options.beforeSeq ?? Number.MAX_SAFE_INTEGER, options.limit) as StoredEntryRow[];
  return rows.map(toLedgerEntry);
}

/** Every row in storage order, streamed. */
export function iterateStoredRows(db: KeywardDatabase): IterableIterator<StoredEntryRow> {
  return db.prepare(`${SELECT_ROWS} ORDER BY id`).iterate() as IterableIterator<StoredEntryRow>;
}

export function verifyLedger(db: KeywardDatabase, options: { expectHead?: string } = {}): LedgerVerification {
  const laterSeq = db.prepare('SELECT 1 FROM ledger_entries WHERE seq = ?').pluck();
  // Reading and walking happen in one read transaction so that a concurrent append cannot
  // make a consistent ledger look broken.
  return db.transaction(() =>
    verifyChain(iterateStoredRows(db), {
      sha256Hex,
      seqAppearsLater: (seq) => laterSeq.get(seq) !== undefined,
      expectHead: options.expectHead,
    }),
  )();
}
