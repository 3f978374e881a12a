import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAccount, addCustodian, addPlace } from '../app/inventory/inventory';
import { ACCOUNT_1, ACCOUNT_2, openTestSession } from '../test/support/session';
import { swapRows, tamper } from '../test/support/tamper';
import { openDatabase } from './connection';
import { appendEntry, readHead, toLedgerEntry, verifyLedger } from './ledger';

type TestSession = ReturnType<typeof openTestSession>;

describe('the ledger', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, ACCOUNT_1);
    addAccount(s, ACCOUNT_2);
    addPlace(s, { name: 'HQ safe A', site: 'HQ' });
    addCustodian(s, { name: 'Alice Example' });
    addCustodian(s, { name: 'Bob Example' });
    addCustodian(s, { name: 'Carol Example' });
  });
  afterEach(() => s.close());

  const reopenAndVerify = (expectHead?: string) => {
    s.db.close();
    s = { ...s, db: openDatabase(s.path) };
    return verifyLedger(s.db, { expectHead });
  };

  it('links every entry to the one before and verifies', () => {
    const result = verifyLedger(s.db);
    expect(result).toMatchObject({ ok: true, entries: 7, headSeq: 7 });
    const rows = (s.db.prepare('SELECT body, hash FROM ledger_entries ORDER BY seq').all() as { body: string; hash: string }[]).map((r) => ({
      ...(JSON.parse(r.body) as { prevHash: string }),
      hash: r.hash,
    }));
    rows.slice(1).forEach((row, i) => expect(row.prevHash).toBe(rows[i]!.hash));
    expect(result.headHash).toBe(rows.at(-1)!.hash);
  });

  it('reads an entry back with its stored hash, and a body that is no object (an edited file) as its hash alone', () => {
    const row = s.db.prepare('SELECT body, hash FROM ledger_entries WHERE seq = 2').get() as { body: string; hash: string };
    expect(toLedgerEntry(row)).toEqual({ ...(JSON.parse(row.body) as object), hash: row.hash });
    expect(toLedgerEntry({ body: `{"hash":"written","seq":2}`, hash: row.hash })).toEqual({ seq: 2, hash: row.hash });
    for (const body of ['null', '"text"', '7', '[1]']) expect(toLedgerEntry({ body, hash: row.hash })).toEqual({ ...(JSON.parse(body) as object), hash: row.hash });
  });

  it('stores the UTC instant and the local offset of every entry', () => {
    const row = JSON.parse(s.db.prepare('SELECT body FROM ledger_entries WHERE seq = 2').pluck().get() as string) as { recordedAt: string; utcOffset: string };
    expect(row.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(row.utcOffset).toBe('+01:00');
  });

  it('refuses UPDATE and DELETE through its triggers', () => {
    expect(() => s.db.prepare("UPDATE ledger_entries SET body = replace(body, 'Alice', 'Alina') WHERE seq = 5").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => s.db.prepare('DELETE FROM ledger_entries WHERE seq = 7').run()).toThrow(/append-only: DELETE refused/);
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('refuses an entry it could not verify later, and writes nothing', () => {
    const head = readHead(s.db);
    const at = { recordedAt: '2026-01-01T00:00:00.000Z', utcOffset: '+00:00' };
    const entry = { kind: 'seal.registered' as const, actors: [s.actor], payload: { serial: 'TB-9' } };
    expect(() => appendEntry(s.db, { ...entry, payload: { ratio: 0.5 } }, at)).toThrow(/not a safe integer/);
    expect(() => appendEntry(s.db, { ...entry, kind: 'seal.invented' as never }, at)).toThrow(/"seal.invented" is not a ledger entry kind/);
    expect(() => appendEntry(s.db, { ...entry, actors: [] }, at)).toThrow(/at least one actor/);
    expect(() => appendEntry(s.db, entry, { ...at, recordedAt: '2026-01-01 00:00' })).toThrow(/not a UTC instant/);
    expect(() => appendEntry(s.db, entry, { ...at, utcOffset: 'CET' })).toThrow(/not a UTC offset/);
    expect(readHead(s.db)).toEqual(head);
  });

  it('names the entry whose payload lost or gained one byte in the file', () => {
    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'Bob', 'Bab') WHERE seq = 6").run());
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: 6, reason: 'content_changed', entries: 5 });
  });

  it('names a deleted row as a gap', () => {
    tamper(s.path, (db) => db.prepare('DELETE FROM ledger_entries WHERE seq = 4').run());
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'gap' });
  });

  it('names two swapped rows as reordered', () => {
    tamper(s.path, (db) => swapRows(db, 3, 4));
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'reordered' });
  });

  it('names an entry stored under another seq than its own', () => {
    tamper(s.path, (db) => db.prepare('UPDATE ledger_entries SET seq = 70 WHERE seq = 7').run());
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: 7, reason: 'reordered', message: 'entry 7 is out of order: it is stored as entry 70', entries: 6 });
  });

  it('names an entry stored twice, the copy under a seq of its own', () => {
    tamper(s.path, (db) => db.prepare('INSERT INTO ledger_entries (seq, body, digest) SELECT 8, body, digest FROM ledger_entries WHERE seq = 3').run());
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: 8, reason: 'reordered', message: 'entry 8 is out of order: entry 3 is stored where entry 8 belongs' });
  });

  it('names a truncated tail when verified against the head printed earlier', () => {
    const printedHead = readHead(s.db).hash;
    tamper(s.path, (db) => db.prepare('DELETE FROM ledger_entries WHERE seq >= 6').run());
    expect(reopenAndVerify().ok).toBe(true);
    expect(verifyLedger(s.db, { expectHead: printedHead })).toMatchObject({ ok: false, firstBadSeq: 6, reason: 'head_mismatch', headSeq: 5 });
  });

  it('names the first entry after one that was rewritten with a fresh hash', () => {
    tamper(s.path, (db) => {
      db.prepare("UPDATE ledger_entries SET digest = unhex('e' || substr(hash, 2)) WHERE seq = 3").run();
    });
    // Entry 3's stored hash no longer matches its content: caught at 3 itself.
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'content_changed' });
  });
});
