import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStoredLedger } from '../app/ledger/ledger';
import { entryBody } from '../core/ledger/ledger';
import { OPERATOR, temporaryDirectory } from '../test/support/session';
import { swapRows, tamper } from '../test/support/tamper';
import { initDatabase } from '../app/keyward';
import { openDatabase } from './connection';
import { appendEntry, readHead, sha256Hex } from './ledger';

/** Entries in the ledger under test: many read batches, so a tamper at a batch's edge is found where it is. */
const ENTRIES = 100_000;

describe('the tamper suite at 100,000 entries, under the batched verification', () => {
  const dir = temporaryDirectory();
  const base = join(dir.path, 'base.db');
  let head = '';
  let copies = 0;
  beforeAll(() => {
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const clock = { now: () => new Date(start), utcOffsetMinutes: () => 60 };
    const { db } = initDatabase(base, clock, OPERATOR);
    db.transaction(() => {
      for (let i = 2; i <= ENTRIES; i += 1) {
        appendEntry(db, { kind: 'presence.checked', actors: [OPERATOR], payload: { authenticatorId: i % 50, label: `YK-${i % 50}`, result: 'ok', findings: [], drill: false } }, { recordedAt: new Date(start + i * 1000).toISOString(), utcOffset: '+01:00' });
      }
    })();
    head = readHead(db).hash;
    db.close();
  }, 120_000);
  afterAll(() => dir.remove());

  /** A copy of the ledger, edited as an attacker with the file would, then verified as `keyward ledger verify` does. */
  const verifyAfter = (edit: Parameters<typeof tamper>[1], expectHead?: string) => {
    const path = join(dir.path, `copy-${(copies += 1)}.db`);
    copyFileSync(base, path);
    tamper(path, edit);
    const db = openDatabase(path, { readonly: true });
    try {
      return verifyStoredLedger(db, { expectHead });
    } finally {
      db.close();
    }
  };

  it('verifies the whole ledger and its head', () => {
    expect(verifyAfter(() => undefined, head)).toMatchObject({ ok: true, entries: ENTRIES, headSeq: ENTRIES, headHash: head });
  });

  it('names an edited entry deep in the ledger', () => {
    const result = verifyAfter((db) => db.prepare("UPDATE ledger_entries SET body = replace(body, '\"YK-27\"', '\"YK-72\"') WHERE seq = 77777").run());
    expect(result).toMatchObject({ ok: false, firstBadSeq: 77_777, reason: 'content_changed', entries: 77_776, headSeq: 77_776 });
  });

  it('names a deleted entry at the edge of a read batch as a gap', () => {
    expect(verifyAfter((db) => db.prepare('DELETE FROM ledger_entries WHERE seq = 4096').run())).toMatchObject({ ok: false, firstBadSeq: 4096, reason: 'gap' });
  });

  it('names two entries swapped across a read batch as reordered', () => {
    const result = verifyAfter((db) => swapRows(db, 2048, 2049));
    expect(result).toMatchObject({ ok: false, firstBadSeq: 2048, reason: 'reordered' });
  });

  it('names a truncated tail against the head printed earlier', () => {
    const cut = (db: Parameters<Parameters<typeof tamper>[1]>[0]) => db.prepare('DELETE FROM ledger_entries WHERE seq > 90000').run();
    expect(verifyAfter(cut)).toMatchObject({ ok: true, entries: 90_000 });
    expect(verifyAfter(cut, head)).toMatchObject({ ok: false, firstBadSeq: 90_001, reason: 'head_mismatch', headSeq: 90_000 });
  });

  it('names a page of the ledger SQLite cannot read as damage, after the entries before it', () => {
    const result = verifyAfter((db) => {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
      db.close();
      const bytes = readFileSync(db.name);
      // Random-looking bytes over a page in the middle of the file, past its header: rows of the ledger.
      const page = Math.floor(bytes.length / pageSize / 2);
      for (let i = 12; i < pageSize; i += 1) bytes[page * pageSize + i] = (i * 131 + 7) & 0xff;
      writeFileSync(db.name, bytes);
    });
    expect(result).toMatchObject({ ok: false, reason: 'damaged', message: expect.stringMatching(/^the database file is damaged: database disk image is malformed \(reading entry \d+ and after\)$/) });
    expect(result.entries).toBeGreaterThan(20_000);
  });

  it('names an appended entry that chains and hashes correctly but could be read two ways', () => {
    const result = verifyAfter((db) => {
      const body = entryBody({ seq: ENTRIES + 1, recordedAt: '2026-12-01T00:00:00.000Z', utcOffset: '+01:00', actors: [OPERATOR], kind: 'place.added', payload: { name: 'Back door' }, prevHash: head }).replace(
        '"kind":"place.added"',
        '"kind":"place.added","kind":"custody.checked_out"',
      );
      db.prepare('INSERT INTO ledger_entries (seq, body, digest) VALUES (?, ?, ?)').run(ENTRIES + 1, body, Buffer.from(sha256Hex(body), 'hex'));
    });
    expect(result).toMatchObject({ ok: false, firstBadSeq: ENTRIES + 1, reason: 'content_changed', message: expect.stringContaining('no longer a well-formed ledger entry') });
  });
});
