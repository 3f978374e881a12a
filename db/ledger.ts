import { hash as oneShotHash } from 'node:crypto';
import type { JsonValue } from '../core/ledger/canonical-json';
import { KeywardError } from '../core/errors';
import { GENESIS_HASH, LEDGER_ENTRY_KINDS, RECORDED_AT, UTC_OFFSET, entryBody, type Actor, type Approval, type LedgerEntry, type LedgerEntryKind, type UnsealedEntry } from '../core/ledger/ledger';
import { ChainWalk, type ChainWalkOptions, type LedgerVerification, type StoredEntryRow, type VerifiedRun } from '../core/ledger/ledger-verification';
import type { KeywardDatabase } from './connection';

export interface LedgerTimestamp {
  /** ISO 8601 UTC instant with milliseconds. */
  readonly recordedAt: string;
  readonly utcOffset: string;
}

export interface NewLedgerEntry {
  readonly kind: LedgerEntryKind;
  readonly actors: readonly Actor[];
  readonly payload: { readonly [key: string]: JsonValue };
}

export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
}

// The one-shot form: for entries of a few hundred bytes it is several times faster than createHash.
export const sha256Hex = (text: string): string => oneShotHash('sha256', text, 'hex');

/**
 * A run of consecutive seqs (from, to), each row as one string, its hash then its body: a third of
 * the cost of reading them as three values. A row whose stored hash is not 32 bytes reads as null:
 * its hex would not be 64 characters, and the body read after them would start elsewhere than it
 * does (a 31-byte hash and a body behind two hex characters would read as a sound row).
 */
export const FULL_RUN_SQL = 'SELECT CASE WHEN length(digest) = 32 THEN hash || body END FROM ledger_entries WHERE seq BETWEEN ? AND ? ORDER BY seq';

const createStatements = (db: KeywardDatabase) => ({
  head: db.prepare('SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1'),
  insert: db.prepare('INSERT INTO ledger_entries (seq, body, digest) VALUES (?, ?, ?)'),
  // Where the walk stopped at a row holding another entry: is this entry's body stored anywhere?
  seqExists: db.prepare("SELECT 1 FROM ledger_entries WHERE json_extract(body, '$.seq') = ? LIMIT 1").pluck(),
  rows: db.prepare('SELECT body, hash FROM ledger_entries ORDER BY seq'),
  // Whole batches of bare rows: one call into SQLite per batch instead of one per row.
  batch: db.prepare('SELECT seq, body, hash FROM ledger_entries WHERE seq > ? ORDER BY seq LIMIT ?').raw(),
  fullBatch: db.prepare(FULL_RUN_SQL).pluck(),
  // Two lookups at the ends of the table's b-tree (min and max together would read every row).
  bounds: db.prepare('SELECT (SELECT min(seq) FROM ledger_entries), (SELECT max(seq) FROM ledger_entries)').raw(),
  page: db.prepare('SELECT body, hash FROM ledger_entries WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
  // Read from the index alone (it covers kind), so every page of it is read.
  kindIndex: db.prepare('SELECT kind, count(*) FROM ledger_entries GROUP BY kind').raw(),
});
const prepared = new WeakMap<KeywardDatabase, ReturnType<typeof createStatements>>();

/** Prepared once per connection: appends are the hot path of every use case. */
function statementsOf(db: KeywardDatabase) {
  let statements = prepared.get(db);
  if (!statements) {
    statements = createStatements(db);
    prepared.set(db, statements);
  }
  return statements;
}

function checkNewEntry(entry: NewLedgerEntry, at: LedgerTimestamp): void {
  if (!(LEDGER_ENTRY_KINDS as readonly string[]).includes(entry.kind)) throw new KeywardError('invalid_input', `"${entry.kind}" is not a ledger entry kind`, 'kind');
  if (entry.actors.length === 0) throw new KeywardError('invalid_input', 'a ledger entry needs at least one actor', 'actors');
  if (!RECORDED_AT.test(at.recordedAt)) throw new KeywardError('invalid_input', `"${at.recordedAt}" is not a UTC instant like 2026-11-25T09:00:00.000Z`, 'recordedAt');
  if (!UTC_OFFSET.test(at.utcOffset)) throw new KeywardError('invalid_input', `"${at.utcOffset}" is not a UTC offset like +01:00`, 'utcOffset');
}

function seal(db: KeywardDatabase, unsealed: UnsealedEntry): LedgerEntry {
  let body: string;
  try {
    body = entryBody(unsealed);
  } catch (error) {
    throw new KeywardError('invalid_input', `ledger entry cannot be stored: ${(error as Error).message}`, 'payload');
  }
  const hash = sha256Hex(body);
  statementsOf(db).insert.run(unsealed.seq, body, Buffer.from(hash, 'hex'));
  return { ...unsealed, hash };
}

/**
 * Appends one entry, linked to the current head. Runs in its own transaction, or as part of
 * the caller's (a use case writes its inventory change and its entry together).
 */
export function appendEntry(db: KeywardDatabase, entry: NewLedgerEntry, at: LedgerTimestamp): LedgerEntry {
  checkNewEntry(entry, at);
  const append = (): LedgerEntry => seal(db, prepareEntry(db, entry, at));
  return db.inTransaction ? append() : db.transaction(append).immediate();
}

/**
 * Fixes an entry's place in the chain (seq, previous hash, time) before it is written, so that
 * custodians can sign it; `appendPreparedEntry` then writes it with their approvals.
 */
export function prepareEntry(db: KeywardDatabase, entry: NewLedgerEntry, at: LedgerTimestamp): UnsealedEntry {
  checkNewEntry(entry, at);
  const head = readHead(db);
  return { seq: head.seq + 1, recordedAt: at.recordedAt, utcOffset: at.utcOffset, actors: entry.actors, kind: entry.kind, payload: entry.payload, prevHash: head.hash };
}

/**
 * Prepares an entry to follow another that is itself prepared but not yet written, so that both
 * are written in one transaction (a return and the presence check it rests on).
 */
export function prepareEntryAfter(previous: UnsealedEntry, entry: NewLedgerEntry, at: LedgerTimestamp): UnsealedEntry {
  checkNewEntry(entry, at);
  return { seq: previous.seq + 1, recordedAt: at.recordedAt, utcOffset: at.utcOffset, actors: entry.actors, kind: entry.kind, payload: entry.payload, prevHash: sha256Hex(entryBody(previous)) };
}

/** Writes a prepared entry with its approvals, unless the ledger moved on since it was prepared. */
export function appendPreparedEntry(db: KeywardDatabase, prepared: UnsealedEntry, approvals: readonly Approval[]): LedgerEntry {
  const append = (): LedgerEntry => {
    const head = readHead(db);
    if (head.seq !== prepared.seq - 1 || head.hash !== prepared.prevHash) {
      throw new KeywardError('conflict', `the ledger moved on while approvals were collected (entry ${head.seq} is now the head); approve again`);
    }
    return seal(db, { ...prepared, approvals });
  };
  return db.inTransaction ? append() : db.transaction(append).immediate();
}

export function readHead(db: KeywardDatabase): LedgerHead {
  return (statementsOf(db).head.get() as LedgerHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
}

export function toLedgerEntry(row: StoredEntryRow): LedgerEntry {
  // The parsed object takes the hash as its last field: copying it into a new one took twice as long.
  const entry = JSON.parse(row.body) as { -readonly [K in keyof LedgerEntry]: LedgerEntry[K] } | null;
  // A body that is no object (only an edited database holds one) reads as before: its hash alone.
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { ...(entry as object), hash: row.hash } as LedgerEntry;
  entry.hash = row.hash;
  return entry;
}

/** Newest first; `beforeSeq` pages backwards. */
export function listEntries(db: KeywardDatabase, options: { limit: number; beforeSeq?: number }): LedgerEntry[] {
  const rows = statementsOf(db).page.all(options.beforeSeq ?? Number.MAX_SAFE_INTEGER, options.limit) as StoredEntryRow[];
  return rows.map(toLedgerEntry);
}

/** Every row in storage order, streamed. */
export function iterateStoredRows(db: KeywardDatabase): IterableIterator<StoredEntryRow> {
  return statementsOf(db).rows.iterate() as IterableIterator<StoredEntryRow>;
}

/** Rows per read while verifying: large enough that SQLite is called rarely, small enough that memory stays flat. */
const VERIFY_BATCH = 2048;

/** Where runs of a ledger are walked elsewhere (see VerifyLedgerOptions.runs). */
export interface LedgerRuns {
  /** The fewest entries for which walking elsewhere pays. */
  readonly from: number;
  /** How many threads walk the runs. */
  readonly threads: number;
  /**
   * The runs covering seqs 1 to `headSeq`, in order, each once its thread walked it; undefined
   * for a run that could not be walked there (this thread then walks the rest itself). Leaving
   * the iteration early stops the other threads.
   */
  walk(request: { readonly headSeq: number; readonly shownKinds: readonly string[]; readonly expectHead?: string }): Iterable<VerifiedRun | undefined>;
}

/** An error SQLite raises on a page it cannot read: the file is damaged there, which is a finding, not a crash. */
const isDamage = (error: unknown): boolean => /^SQLITE_(CORRUPT|NOTADB|IOERR|FORMAT)/.test(String((error as { code?: unknown }).code));

export interface VerifyLedgerOptions extends Pick<ChainWalkOptions, 'expectHead' | 'inspect' | 'inspects' | 'lateFindings'> {
  progress?: (entries: number, of: number) => void;
  /**
   * Other threads that walk runs of the ledger at once (app/ledger/ledger-walkers.ts): used for the
   * whole walk of a ledger of at least `runs.from` entries whose inspector says which entries it
   * reads (`inspects`). This thread joins the runs in order and shows their entries to `inspect`.
   */
  runs?: LedgerRuns;
  /** Runs in the walk's own read transaction once every entry was walked and found sound: checks that must see the same state. */
  afterWalk?: (verified: LedgerVerification) => LedgerVerification;
}

/**
 * The chain walked in storage order, in batches of bare rows, in one read transaction; then the
 * ledger's index on kind read in full and held against what the walk counted of each kind (the
 * index is how reports and the inventory find entries, and the walk never reads it). A page
 * SQLite cannot read, in the table or in the index, makes the verdict "damaged".
 */
export function verifyLedger(db: KeywardDatabase, options: VerifyLedgerOptions = {}): LedgerVerification {
  return walkInOneRead(db, options);
}

/**
 * Only the entries after a head an earlier walk on this connection found sound (`from`): each one
 * canonical, hashed and linked, from the head's hash on, with `inspect` shown each in order, in
 * one read transaction. The verdict counts the entries up to `from` as verified. What it cannot
 * see: rows at or before `from`, and the index on kind (which covers the whole ledger); callers
 * that rely on it say how they catch those (app/ledger/verified-head.ts).
 */
export function verifyLedgerAfter(db: KeywardDatabase, from: LedgerHead, options: Pick<VerifyLedgerOptions, 'inspect' | 'lateFindings'> = {}): LedgerVerification {
  return walkInOneRead(db, options, from);
}

function walkInOneRead(db: KeywardDatabase, options: VerifyLedgerOptions, from?: LedgerHead): LedgerVerification {
  let verdict: LedgerVerification | undefined;
  // Other threads read the file as committed: inside a transaction of this connection's, with
  // changes they cannot see, the walk stays on this thread.
  if (db.inTransaction && options.runs) options = { ...options, runs: undefined };
  try {
    // One read transaction, so that a concurrent append cannot make a sound ledger look broken.
    return db.transaction(() => (verdict = walkLedger(db, options, from)))();
  } catch (error) {
    // SQLite may refuse to end a transaction that met a damaged page: the verdict stands.
    if (verdict?.reason === 'damaged') return verdict;
    if (!isDamage(error)) throw error;
    return {
      ok: false, entries: 0, headSeq: from?.seq ?? 0, headHash: from?.hash ?? GENESIS_HASH, firstBadSeq: from ? from.seq + 1 : 0, reason: 'damaged',
      message: `the database file is damaged: ${(error as Error).message}`,
    };
  }
}

/** What SQLite says has changed in the file since: a number that moves when any other connection (another process) commits to it, never for this connection's own writes. */
export const fileDataVersion = (db: KeywardDatabase): number => db.pragma('main.data_version', { simple: true }) as number;

function walkLedger(db: KeywardDatabase, options: VerifyLedgerOptions, from?: LedgerHead): LedgerVerification {
  const split = { runs: 0 };
  const verdict = walkLedgerRows(db, options, split, from);
  return split.runs > 0 ? { ...verdict, threads: options.runs!.threads } : verdict;
}

function walkLedgerRows(db: KeywardDatabase, options: VerifyLedgerOptions, split: { runs: number }, from?: LedgerHead): LedgerVerification {
  const { seqExists, batch, fullBatch, kindIndex } = statementsOf(db);
  const { progress } = options;
  const walk = new ChainWalk({ sha256Hex, seqAppearsLater: (seq) => seqExists.get(seq) !== undefined, expectHead: options.expectHead, inspect: options.inspect, inspects: options.inspects, lateFindings: options.lateFindings, after: from });
  const of = progress ? readHead(db).seq : 0;
  /** The last seq read; before the first batch, below any seq a row could be stored under (or the head walked from). */
  let after = from ? from.seq : Number.MIN_SAFE_INTEGER;
  try {
    if (!from && options.runs) {
      const reached = takeRunsWalkedElsewhere(db, walk, options, split);
      if (walk.stopped) return walk.finish();
      if (reached > 0) after = reached;
    }
    for (let exact = true; ; ) {
      if (!exact) {
        // A full run of seqs: each row is its hash and body in one string, its seq its place.
        const rows = fullBatch.all(after + 1, after + VERIFY_BATCH) as (string | null)[];
        if (rows.length === VERIFY_BATCH && !rows.includes(null)) {
          for (let i = 0; i < rows.length; i += 1) {
            if (!walk.takeRow(rows[i]!, after + 1 + i)) return walk.finish();
          }
          after += VERIFY_BATCH;
          progress?.(walk.entries, Math.max(of, walk.entries));
          continue;
        }
        // A gap, a malformed hash or the end: the rest is read row by row with its stored seq.
        exact = true;
      }
      const rows = batch.all(after, VERIFY_BATCH) as [number, string, string][];
      for (const row of rows) if (!walk.take(row[1], row[2], row[0])) return walk.finish();
      progress?.(walk.entries, Math.max(of, walk.entries));
      if (rows.length < VERIFY_BATCH) break;
      after = rows[rows.length - 1]![0];
      // Past the first batch (which holds any row stored under a seq below 1), full runs are read whole.
      exact = after !== walk.entries;
    }
  } catch (error) {
    if (isDamage(error)) return walk.unreadable((error as Error).message);
    throw error;
  }
  const walked = walk.finish();
  // The index on kind covers every entry, and a walk from a head counted only the later ones.
  if (!walked.ok || from) return walked;
  let indexed: [string | null, number][];
  try {
    indexed = kindIndex.all() as [string | null, number][];
  } catch (error) {
    if (isDamage(error)) return { ...walked, ok: false, firstBadSeq: 0, reason: 'damaged' as const, message: `the database file is damaged: ${(error as Error).message} (reading the ledger's index on kind)` };
    throw error;
  }
  const disagreement = kindIndexDisagreement(indexed, walk.kinds);
  if (disagreement) return { ...walked, ok: false, firstBadSeq: 0, reason: 'damaged' as const, message: `the database file is damaged: the ledger's index on kind ${disagreement}` };
  return options.afterWalk ? options.afterWalk(walked) : walked;
}

/**
 * The runs other threads walked, joined in order into `walk`, for a ledger stored as seqs 1 to its
 * head with nothing below or above: the last seq taken (0 when none was), after which this thread
 * walks whatever is left itself, from the first run the threads could not walk.
 */
function takeRunsWalkedElsewhere(db: KeywardDatabase, walk: ChainWalk, options: VerifyLedgerOptions, split: { runs: number }): number {
  const { runs, inspects, progress } = options;
  const [first, last] = statementsOf(db).bounds.get() as [number | null, number | null];
  if (!runs || !inspects || first !== 1 || last === null || last < runs.from) return 0;
  const shownKinds = LEDGER_ENTRY_KINDS.filter(inspects);
  let reached = 0;
  for (const run of runs.walk({ headSeq: last, shownKinds, expectHead: options.expectHead })) {
    if (!run) break;
    split.runs += 1;
    if (!walk.takeRun(run)) break;
    reached = run.lastSeq;
    progress?.(reached, last);
  }
  return reached;
}

/** What the index on kind holds that the rows do not (or the reverse), in words; nothing when they agree. */
function kindIndexDisagreement(indexed: readonly [string | null, number][], walked: ReadonlyMap<string, number>): string | undefined {
  const remaining = new Map(walked);
  for (const [kind, count] of indexed) {
    const rows = kind === null ? 0 : (remaining.get(kind) ?? 0);
    if (rows !== count) return `lists ${count} entries of kind ${String(kind)} where the ledger holds ${rows}`;
    remaining.delete(kind!);
  }
  for (const [kind, rows] of remaining) return `lists no entry of kind ${kind} where the ledger holds ${rows}`;
  return undefined;
}

/**
 * SQLite's check of every table of the file except the ledger's own (and of any file attached), whose every row the walk
 * reads (a page it cannot read is a finding there) and whose index on kind it reads in full:
 * the first problem SQLite reports, or nothing. A whole-file quick_check would read the
 * ledger a second time and cost more than walking it; this costs what the inventory does.
 */
export function fileDamageBesideLedger(db: KeywardDatabase): string | undefined {
  try {
    const tables = db.prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name <> 'ledger_entries' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    for (const table of tables) {
      const first = (db.pragma(`main.quick_check('${table.replaceAll("'", "''")}')`, { simple: false }) as { quick_check: string }[])[0]?.quick_check;
      if (first !== undefined && first !== 'ok') return first;
    }
    // Other files attached to the connection (the drill store) are checked whole, as before.
    for (const { name } of db.pragma('database_list') as { name: string }[]) {
      if (name === 'main' || name === 'temp') continue;
      const first = (db.pragma(`"${name.replaceAll('"', '""')}".quick_check(1)`, { simple: false }) as { quick_check: string }[])[0]?.quick_check;
      if (first !== undefined && first !== 'ok') return `${name}: ${first}`;
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The newest entry of any of these kinds, parsed; for "since when" questions. */
export function latestEntryOfKinds(db: KeywardDatabase, kinds: readonly LedgerEntryKind[]): LedgerEntry | undefined {
  const row = db.prepare(`SELECT body, hash FROM ledger_entries WHERE kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY seq DESC LIMIT 1`).get(...kinds) as StoredEntryRow | undefined;
  return row && toLedgerEntry(row);
}

/** Entries of these kinds recorded within [from, to] (UTC instants), oldest first. */
export function entriesOfKindsBetween(db: KeywardDatabase, kinds: readonly LedgerEntryKind[], from: string, to: string): LedgerEntry[] {
  const rows = db
    .prepare(`SELECT body, hash FROM ledger_entries WHERE kind IN (${kinds.map(() => '?').join(', ')}) AND json_extract(body, '$.recordedAt') BETWEEN ? AND ? ORDER BY seq`)
    .all(...kinds, from, to) as StoredEntryRow[];
  return rows.map(toLedgerEntry);
}

/** Every entry of these kinds, oldest first (for state that the ledger alone defines). */
export function entriesOfKinds(db: KeywardDatabase, kinds: readonly LedgerEntryKind[]): LedgerEntry[] {
  const rows = db.prepare(`SELECT body, hash FROM ledger_entries WHERE kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY seq`).all(...kinds) as StoredEntryRow[];
  return rows.map(toLedgerEntry);
}

/** The first entry (the ledger's creation), parsed. */
export function firstEntry(db: KeywardDatabase): LedgerEntry | undefined {
  const row = db.prepare('SELECT body, hash FROM ledger_entries ORDER BY seq LIMIT 1').get() as StoredEntryRow | undefined;
  return row && toLedgerEntry(row);
}

export function findEntry(db: KeywardDatabase, seq: number): LedgerEntry | undefined {
  const row = db.prepare('SELECT body, hash FROM ledger_entries WHERE seq = ?').get(seq) as StoredEntryRow | undefined;
  return row && toLedgerEntry(row);
}
