import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedLedger } from '../../bench/approved-ledger';
import { rechainFrom } from '../../bench/ledger-tamper';
import { entryBody } from '../../core/ledger/ledger';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { openDatabase } from '../../db/connection';
import { readHead, sha256Hex, type LedgerRuns } from '../../db/ledger';
import { swapRows, tamper } from '../../test/support/tamper';
import { changesInventory } from '../../core/ledger/replay';
import { verifyChainAndApprovals } from './ledger';
import { ledgerRunsOnWalkers, useNativeBindingForWalkers } from './ledger-walkers';

const ENTRIES = 3_000;
/** Runs of 256 entries, so that every edit below falls inside a run, at its edge or across two. */
const RUN = 256;

describe('a verification split across walking threads', () => {
  let dir: string;
  let pristine: string;
  let headHash: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-walkers-'));
    pristine = join(dir, 'ledger.db');
    // Presence checks, and every tenth entry a checkout or return with two real ES256 approvals.
    approvedLedger(pristine, ENTRIES, true);
    const db = openDatabase(pristine, { readonly: true });
    headHash = readHead(db).hash;
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let copies = 0;
  /** A copy of the ledger, edited as an attacker with the file would. */
  function ledger(edit?: Parameters<typeof tamper>[1]): string {
    const path = join(dir, `copy-${(copies += 1)}.db`);
    copyFileSync(pristine, path);
    if (edit) tamper(path, edit);
    return path;
  }

  /**
   * The same verification on this thread alone and split across two threads: the verdicts, the
   * entries each showed the inventory's inspector, and how many runs the threads walked.
   */
  function bothWays(path: string, expectHead?: string): { alone: LedgerVerification; split: LedgerVerification; runsWalked: number; progress: number[] } {
    const db = openDatabase(path, { readonly: true });
    const verify = (runs: LedgerRuns | null, progress?: (done: number) => void) => {
      const shown: string[] = [];
      const alsoInspect = (_body: string, seq: number, kind: string) => void shown.push(`${seq} ${kind}`);
      const verdict = verifyChainAndApprovals(db, { expectHead, runs, progress, alsoInspect, alsoReads: changesInventory });
      return { ...verdict, shown };
    };
    try {
      const alone = verify(null);
      const inner = ledgerRunsOnWalkers(db, { threads: 2, runLength: RUN, from: 0 })!;
      let runsWalked = 0;
      const counted: LedgerRuns = {
        from: inner.from,
        threads: inner.threads,
        *walk(request) {
          for (const run of inner.walk(request)) {
            if (run) runsWalked += 1;
            yield run;
          }
        },
      };
      const progress: number[] = [];
      const { threads, ...split } = verify(counted, (done) => progress.push(done));
      expect(threads).toBe(runsWalked > 0 ? 2 : undefined);
      return { alone, split, runsWalked, progress };
    } finally {
      db.close();
    }
  }

  it('finds a sound ledger sound, with every run walked on the threads and every approval checked', () => {
    const { alone, split, runsWalked, progress } = bothWays(ledger(), headHash);
    expect(alone).toMatchObject({ ok: true, entries: ENTRIES, headSeq: ENTRIES, headHash });
    // The inventory's inspector saw the same entries, in the same order: the custody entries and the founding.
    expect((alone as unknown as { shown: string[] }).shown).toHaveLength(1 + (ENTRIES - 10) / 10 + 1);
    expect(split).toEqual(alone);
    expect(runsWalked).toBe(Math.ceil(ENTRIES / RUN));
    expect(progress.at(-1)).toBe(ENTRIES);
  });

  it('is the same verdict as the walk on one thread for every edit, wherever it falls', () => {
    const edits: [string, Parameters<typeof tamper>[1], Partial<LedgerVerification>][] = [
      ['a presence check edited inside a run', (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, '\"result\":\"ok\"', '\"result\":\"no\"') WHERE seq = ?").run(1_002), { firstBadSeq: 1_002, reason: 'content_changed' }],
      ['the first entry of a run deleted', (db) => db.prepare('DELETE FROM ledger_entries WHERE seq = ?').run(RUN * 4 + 1), { firstBadSeq: RUN * 4 + 1, reason: 'gap' }],
      ['the last entry of a run deleted', (db) => db.prepare('DELETE FROM ledger_entries WHERE seq = ?').run(RUN * 5), { firstBadSeq: RUN * 5, reason: 'gap' }],
      ['two entries swapped across runs', (db) => swapRows(db, RUN * 6, RUN * 6 + 1), { firstBadSeq: RUN * 6, reason: 'reordered' }],
      ['a stored hash cut to 31 bytes', (db) => db.prepare('UPDATE ledger_entries SET digest = substr(digest, 1, 31) WHERE seq = ?').run(2_222), { firstBadSeq: 2_222, reason: 'content_changed' }],
      ['an entry edited and the chain re-hashed after it, so that only the approvals tell', (db) => {
        // Entry 1,011 is a return; its payload changes under the custodians' signatures.
        db.prepare("UPDATE ledger_entries SET body = replace(body, '\"ticket\":\"CHG-1010\"', '\"ticket\":\"CHG-6666\"') WHERE seq = ?").run(1_011);
        rechainFrom(db, 1_011);
      }, { firstBadSeq: 1_011, reason: 'approval_invalid' }],
      ['the first entry of a run linked to another chain, and the chain after it re-hashed', (db) => {
        const seq = RUN * 7 + 1;
        const body = (db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').pluck().get(seq) as string).replace(/,"prevHash":"[0-9a-f]{64}"/, `,"prevHash":"${'ab'.repeat(32)}"`);
        db.prepare('UPDATE ledger_entries SET body = ?, digest = ? WHERE seq = ?').run(body, Buffer.from(sha256Hex(body), 'hex'), seq);
        // The rest re-hashed onto it: only where the runs join does the chain break.
        rechainFrom(db, seq);
      }, { firstBadSeq: RUN * 7 + 1, reason: 'link_broken' }],
      ['a row stored under seq 0', (db) => {
        const body = entryBody({ seq: 0, recordedAt: '2026-01-01T00:00:00.000Z', utcOffset: '+01:00', actors: [{ role: 'operator', name: 'bench' }], kind: 'place.added', payload: { name: 'Back door' }, prevHash: '0'.repeat(64) });
        db.prepare('INSERT INTO ledger_entries (seq, body, digest) VALUES (0, ?, ?)').run(body, Buffer.from(sha256Hex(body), 'hex'));
      }, { firstBadSeq: 1, reason: 'reordered' }],
    ];
    for (const [what, edit, expected] of edits) {
      const { alone, split } = bothWays(ledger(edit));
      expect(alone, what).toMatchObject({ ok: false, ...expected });
      expect(split, what).toEqual(alone);
    }
  });

  it('is the same verdict for a 31-byte hash whose missing characters were put before the body, which reads as a sound row when the hash is taken as 64 characters', () => {
    const seq = 1_300;
    const path = ledger();
    // The index on kind reads the body as JSON: with the schema loosened for the edit and put back
    // after it (what an attacker with the file can do), the index still lists the right kinds.
    const schema = (from: string, to: string) => {
      const db = new Database(path);
      try {
        db.unsafeMode(true);
        db.pragma('writable_schema = ON');
        const version = db.pragma('schema_version', { simple: true }) as number;
        db.prepare("UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = 'ledger_entries'").run(from, to);
        db.pragma(`schema_version = ${version + 1}`);
      } finally {
        db.close();
      }
    };
    const strict = "json_extract(body, '$.kind')";
    const loose = "json_extract(ltrim(body, '0123456789abcdef'), '$.kind')";
    schema(strict, loose);
    tamper(path, (db) => {
      const body = db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').pluck().get(seq) as string;
      const hash = sha256Hex(body);
      db.prepare('UPDATE ledger_entries SET body = ?, digest = ? WHERE seq = ?').run(hash.slice(62) + body, Buffer.from(hash.slice(0, 62), 'hex'), seq);
    });
    schema(loose, strict);
    const { alone, split } = bothWays(path);
    expect(alone).toMatchObject({ ok: false, firstBadSeq: seq, reason: 'content_changed' });
    expect(split).toEqual(alone);
  });

  it('is the same verdict against a head printed earlier, found deep in a run or missing after a truncation', () => {
    const deep = openDatabase(pristine, { readonly: true });
    const printed = deep.prepare('SELECT hash FROM ledger_entries WHERE seq = 1234').pluck().get() as string;
    deep.close();
    const found = bothWays(ledger(), printed);
    expect(found.alone).toMatchObject({ ok: true, entries: ENTRIES });
    expect(found.split).toEqual(found.alone);
    const cut = bothWays(ledger((db) => db.prepare('DELETE FROM ledger_entries WHERE seq > 2500').run()), headHash);
    expect(cut.alone).toMatchObject({ ok: false, firstBadSeq: 2_501, reason: 'head_mismatch' });
    expect(cut.split).toEqual(cut.alone);
  });

  it('walks on this thread alone inside a transaction whose changes the threads could not see', () => {
    const path = ledger();
    const db = new Database(path);
    try {
      db.exec('BEGIN; DROP TRIGGER ledger_entries_no_update;');
      db.prepare("UPDATE ledger_entries SET body = replace(body, '\"result\":\"ok\"', '\"result\":\"no\"') WHERE seq = 1502").run();
      const verdict = verifyChainAndApprovals(db, { runs: ledgerRunsOnWalkers(db, { threads: 2, runLength: RUN, from: 0 }) });
      expect(verdict).toMatchObject({ ok: false, firstBadSeq: 1_502, reason: 'content_changed' });
      expect(verdict.threads).toBeUndefined();
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  });

  it('walks on this thread what the threads cannot: a ledger they cannot open', () => {
    useNativeBindingForWalkers('/nonexistent/better_sqlite3.node');
    try {
      const { alone, split, runsWalked } = bothWays(ledger());
      expect(runsWalked).toBe(0);
      expect(split).toEqual(alone);
      expect(split.ok).toBe(true);
    } finally {
      useNativeBindingForWalkers(undefined);
    }
  });
});
