import type { Statement } from 'better-sqlite3';
import { unknownKindAmong } from '../core/ledger/ledger';
import { ChainWalk, type VerifiedRun } from '../core/ledger/ledger-verification';
import type { KeywardDatabase } from './connection';
import { FULL_RUN_SQL, sha256Hex } from './ledger';

/** Rows per read: large enough that SQLite is called rarely, small enough that memory stays flat. */
const BATCH = 2048;
const prepared = new WeakMap<KeywardDatabase, Statement<[number, number], string | null>>();

/**
 * Seqs `from` to `to` walked on their own, on a connection of their own (another thread's), for a
 * verification split across threads: each entry proved canonical, stored under its own seq,
 * matching its stored hash and linked to the one before, exactly as the walk in db/ledger.ts
 * does. The entries the main walk must show its inspectors (those of `shownKinds`, those with
 * approvals, entries 1 and 2) are returned with it, in order. Anything else than a sound run of
 * entries of known kinds (a gap, a row that does not pass, an unreadable page) returns what it
 * met instead: the main walk then walks those rows itself and names what is wrong exactly.
 */
export function walkRun(db: KeywardDatabase, from: number, to: number, shownKinds: ReadonlySet<string>, expectHead?: string): VerifiedRun | string {
  let rows = prepared.get(db);
  if (!rows) prepared.set(db, (rows = db.prepare<[number, number], string | null>(FULL_RUN_SQL).pluck()));
  const shown: [number, string, string][] = [];
  const walk = ChainWalk.startingAt(from, {
    sha256Hex,
    seqAppearsLater: () => false,
    expectHead,
    inspects: (kind) => shownKinds.has(kind),
    inspect: (body, seq, kind) => void shown.push([seq, kind, body]),
  });
  for (let first = from; first <= to; first += BATCH) {
    const last = Math.min(to, first + BATCH - 1);
    const texts = rows.all(first, last);
    if (texts.length !== last - first + 1 || texts.includes(null)) return `entries ${first} to ${last} are not stored as a full run`;
    for (let i = 0; i < texts.length; i += 1) {
      if (!walk.takeRow(texts[i]!, first + i)) return `entry ${first + i} does not pass on its own`;
    }
  }
  const unknown = unknownKindAmong(walk.kinds.keys());
  if (unknown !== undefined) return `an entry is of a kind this version does not know (${unknown})`;
  return { lastSeq: to, firstPrevHash: walk.firstPrevHash!, lastHash: walk.head, kinds: [...walk.kinds], sawExpectedHead: walk.sawExpectedHead, shown };
}
