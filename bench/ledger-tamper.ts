// The tamper suite at the bench's scale (1,000,000 entries by default): each edit an attacker with
// the file could make, committed to the file (a verification splits a large ledger across threads
// with connections of their own, which see only what is committed), verified as `keyward ledger
// verify` verifies, then undone: the rows from the first one touched on are kept aside before the
// edit and put back after (no copy of a ledger of half a gigabyte per edit). A verdict that does
// not name the right entry throws, so the bench run fails.
import Database from 'better-sqlite3';
import { verifyStoredLedger } from '../app/ledger/ledger';
import type { LedgerVerification } from '../core/ledger/ledger-verification';
import { entryBody, type Actor } from '../core/ledger/ledger';
import { sha256Hex } from '../db/ledger';
import { swapRows } from '../test/support/tamper';

type Edit = (db: Database.Database) => void;

/** Verifies the ledger at `path` as edited by `edit`, which touches no entry before `from`, then undoes the edit. */
function verifyEdited(path: string, from: number, edit: Edit, expectHead?: string): LedgerVerification {
  const db = new Database(path);
  try {
    db.pragma('ignore_check_constraints = ON');
    const triggers = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'ledger_entries'").pluck().all() as string[];
    db.transaction(() => {
      db.prepare('CREATE TEMP TABLE kept AS SELECT seq, body, digest FROM ledger_entries WHERE seq >= ?').run(from);
      db.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete;');
      edit(db);
    })();
    try {
      return verifyStoredLedger(db, { expectHead });
    } finally {
      db.transaction(() => {
        db.prepare('DELETE FROM ledger_entries WHERE seq >= ? OR seq < 1').run(from);
        db.exec('INSERT INTO ledger_entries (seq, body, digest) SELECT seq, body, digest FROM kept ORDER BY seq; DROP TABLE kept;');
        for (const sql of triggers) db.exec(sql);
      })();
    }
  } finally {
    db.close();
  }
}

function expectVerdict(what: string, result: LedgerVerification, expected: Partial<LedgerVerification>): string {
  const wrong = Object.entries(expected).filter(([key, value]) => result[key as keyof LedgerVerification] !== value);
  if (wrong.length > 0) throw new Error(`tamper check "${what}" got ${JSON.stringify(result)}, expected ${JSON.stringify(expected)}`);
  return `${what}: entry ${result.firstBadSeq} (${result.reason})`;
}

/** Rewrites the chain from `seq` on after an edit of that entry, as an attacker who re-hashes everything after it would. */
export function rechainFrom(db: Database.Database, seq: number): void {
  const rows = db.prepare('SELECT seq, body FROM ledger_entries WHERE seq >= ? ORDER BY seq').raw().all(seq) as [number, string][];
  const update = db.prepare('UPDATE ledger_entries SET body = ?, digest = ? WHERE seq = ?');
  let prevHash: string | undefined;
  for (const [at, stored] of rows) {
    const body = prevHash === undefined ? stored : stored.replace(/,"prevHash":"[0-9a-f]{64}"/, `,"prevHash":"${prevHash}"`);
    prevHash = sha256Hex(body);
    update.run(body, Buffer.from(prevHash, 'hex'), at);
  }
}

/** The edit, delete, reorder, truncate and two-readings checks on a plain ledger of `entries` entries whose head is `head`. */
export function tamperChecks(path: string, entries: number, head: string): string[] {
  const deep = entries - Math.floor(entries / 9);
  const edge = 2048 * Math.floor(entries / 2048 / 2);
  const cut = entries - Math.floor(entries / 10);
  const operator: Actor = { role: 'operator', name: 'bench' };
  return [
    expectVerdict('edited', verifyEdited(path, deep, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, '\"result\":\"ok\"', '\"result\":\"no\"') WHERE seq = ?").run(deep)), { ok: false, firstBadSeq: deep, reason: 'content_changed' }),
    expectVerdict('deleted at a read batch\'s edge', verifyEdited(path, edge, (db) => db.prepare('DELETE FROM ledger_entries WHERE seq = ?').run(edge)), { ok: false, firstBadSeq: edge, reason: 'gap' }),
    expectVerdict('swapped across a read batch', verifyEdited(path, edge + 2048, (db) => swapRows(db, edge + 2048, edge + 2049)), { ok: false, firstBadSeq: edge + 2048, reason: 'reordered' }),
    expectVerdict('truncated, against the head printed earlier', verifyEdited(path, cut + 1, (db) => db.prepare('DELETE FROM ledger_entries WHERE seq > ?').run(cut), head), { ok: false, firstBadSeq: cut + 1, reason: 'head_mismatch' }),
    expectVerdict(
      'appended to be read two ways',
      verifyEdited(path, entries + 1, (db) => {
        const body = entryBody({ seq: entries + 1, recordedAt: '2027-01-01T00:00:00.000Z', utcOffset: '+01:00', actors: [operator], kind: 'place.added', payload: { name: 'Back door' }, prevHash: head }).replace(
          '"kind":"place.added"',
          '"kind":"place.added","kind":"custody.checked_out"',
        );
        db.prepare('INSERT INTO ledger_entries (seq, body, digest) VALUES (?, ?, ?)').run(entries + 1, body, Buffer.from(sha256Hex(body), 'hex'));
      }),
      { ok: false, firstBadSeq: entries + 1, reason: 'content_changed' },
    ),
  ];
}

/**
 * A forged approval deep in a ledger with approvals: one custody entry's witness signature replaced
 * by the one from the entry ten before it, and the chain re-hashed from there to the head.
 */
export function forgedApprovalCheck(path: string, entries: number): string {
  // Entry 2 founds the circle; after it, entries 11, 21, 31, … carry two approvals each (see approvedLedger).
  const forged = 10 * Math.floor((entries - Math.floor(entries / 20)) / 10) + 1;
  const result = verifyEdited(path, forged, (db) => {
    const signatureOf = (seq: number) => (JSON.parse(db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').pluck().get(seq) as string) as { approvals: { signature: string }[] }).approvals[1]!.signature;
    db.prepare('UPDATE ledger_entries SET body = replace(body, ?, ?) WHERE seq = ?').run(signatureOf(forged), signatureOf(forged - 10), forged);
    rechainFrom(db, forged);
  });
  return expectVerdict('forged approval', result, { ok: false, firstBadSeq: forged, reason: 'approval_invalid' });
}
