import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { custodiansOf } from '../../test/support/circle';
import { swapRows, tamper } from '../../test/support/tamper';
import { enrolCustodianKey } from '../custody/circle';
import { registerSeal } from '../inventory/inventory';
import { drillKeySource } from '../presence/key-sources';
import { verifyStoredLedger } from './ledger';
import { verifyForStatus } from './verified-head';

const NOW = new Date('2026-11-25T10:00:00.000Z');
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describe('the status verification from the last verified head', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
    for (let i = 1; i <= 20; i += 1) registerSeal(s, { serial: `OLD-${i}` });
  });
  afterEach(() => s.close());

  const appendSeals = (count: number, prefix = 'NEW') => {
    for (let i = 1; i <= count; i += 1) registerSeal(s, { serial: `${prefix}-${i}` });
  };
  /** An edit by this process's own connection, as a use case gone wrong would make it: SQLite's data_version does not move. */
  const editHere = (sql: string, ...params: unknown[]) => {
    s.db.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete;');
    s.db.prepare(sql).run(...params);
  };
  /** The entry that registered this seal. */
  const seqOf = (serial: string) => s.db.prepare('SELECT seq FROM ledger_entries WHERE body LIKE ?').pluck().get(`%"${serial}"%`) as number;

  it('verifies the whole database first, then only the entries appended since, then nothing while the head stands', () => {
    const first = verifyForStatus(s.db, NOW);
    const head = readHead(s.db);
    expect(first).toMatchObject({ mode: 'whole', entriesWalked: head.seq, verification: { ok: true, entries: head.seq, headHash: head.hash } });

    appendSeals(5);
    const second = verifyForStatus(s.db, minutesLater(1));
    const grown = readHead(s.db);
    expect(grown.seq).toBe(head.seq + 5);
    expect(second).toEqual({ mode: 'after-head', entriesWalked: 5, verification: { ok: true, entries: grown.seq, headSeq: grown.seq, headHash: grown.hash } });
    // The same verdict a whole verification gives.
    expect(second.verification).toEqual(verifyStoredLedger(s.db));

    expect(verifyForStatus(s.db, minutesLater(2))).toEqual({ mode: 'remembered', entriesWalked: 0, verification: second.verification });
  });

  it('checks approvals on new entries with the custodians\' keys the whole verification learned', async () => {
    const keys = drillKeySource(s.db, { store: 'custodians' });
    await custodiansOf(s, keys, ['Alice Example', 'Bob Example']);
    expect(verifyForStatus(s.db, NOW).mode).toBe('whole');
    await enrolCustodianKey(s, keys, { name: 'Carol Example', approvers: ['Alice Example', 'Bob Example'] });
    expect(verifyForStatus(s.db, minutesLater(1))).toMatchObject({ mode: 'after-head', entriesWalked: 1, verification: { ok: true, entries: readHead(s.db).seq } });
  });

  it('verifies the whole database again when another connection wrote to the file, and names an old entry it changed', () => {
    verifyForStatus(s.db, NOW);
    appendSeals(3);
    const old = seqOf('OLD-4');
    tamper(s.path, (other) => other.prepare("UPDATE ledger_entries SET body = replace(body, 'OLD-4', 'OLD-X') WHERE seq = ?").run(old));
    const after = verifyForStatus(s.db, minutesLater(1));
    expect(after.mode).toBe('whole');
    expect(after.verification).toMatchObject({ ok: false, firstBadSeq: old, reason: 'content_changed', message: expect.stringContaining(`entry ${old} was changed`) });
    // A verdict that is not sound is never built on.
    expect(verifyForStatus(s.db, minutesLater(2)).mode).toBe('whole');
  });

  it('verifies the whole database again even when the other connection left the ledger as it was', () => {
    verifyForStatus(s.db, NOW);
    tamper(s.path, (other) => other.prepare("UPDATE seals SET serial = 'SWAPPED' WHERE serial = 'OLD-1'").run());
    expect(verifyForStatus(s.db, minutesLater(1))).toMatchObject({ mode: 'whole', verification: { ok: false, reason: 'inventory_mismatch' } });
  });

  it('catches a new entry changed since the verified head, from the head on', () => {
    verifyForStatus(s.db, NOW);
    const head = readHead(s.db).seq;
    appendSeals(5);
    expect(seqOf('NEW-3')).toBe(head + 3);
    editHere("UPDATE ledger_entries SET body = replace(body, 'NEW-3', 'NEW-Z') WHERE seq = ?", head + 3);
    expect(verifyForStatus(s.db, minutesLater(1))).toMatchObject({
      mode: 'after-head',
      entriesWalked: 2,
      verification: { ok: false, firstBadSeq: head + 3, reason: 'content_changed', headSeq: head + 2 },
    });
  });

  it('catches a new entry removed, or two swapped', () => {
    verifyForStatus(s.db, NOW);
    const head = readHead(s.db).seq;
    appendSeals(5);
    editHere('DELETE FROM ledger_entries WHERE seq = ?', head + 2);
    expect(verifyForStatus(s.db, minutesLater(1)).verification).toMatchObject({ ok: false, firstBadSeq: head + 2, reason: 'gap' });

    const other = openTestSession();
    try {
      verifyForStatus(other.db, NOW);
      const at = readHead(other.db).seq;
      for (let i = 1; i <= 4; i += 1) registerSeal(other, { serial: `NEW-${i}` });
      other.db.exec('DROP TRIGGER ledger_entries_no_update');
      other.db.pragma('ignore_check_constraints = ON');
      swapRows(other.db as never, at + 2, at + 3);
      expect(verifyForStatus(other.db, minutesLater(1))).toMatchObject({ mode: 'after-head', verification: { ok: false, firstBadSeq: at + 2, reason: 'reordered' } });
    } finally {
      other.close();
    }
  });

  it('verifies the whole database again once the last whole verification is old, catching what the walk from the head cannot see', () => {
    verifyForStatus(s.db, NOW);
    appendSeals(1);
    // An old entry edited by this connection: data_version stands, and the walk from the head starts after it.
    const old = seqOf('OLD-2');
    editHere("UPDATE ledger_entries SET body = replace(body, 'OLD-2', 'OLD-Y') WHERE seq = ?", old);
    expect(verifyForStatus(s.db, minutesLater(1)).verification.ok).toBe(true);
    appendSeals(1, 'LATER');
    expect(verifyForStatus(s.db, minutesLater(11))).toMatchObject({ mode: 'whole', verification: { ok: false, firstBadSeq: old } });
  });

  it('verifies the whole database when the head is not the one verified nor after it', () => {
    verifyForStatus(s.db, NOW);
    const head = readHead(s.db).seq;
    editHere('DELETE FROM ledger_entries WHERE seq = ?', head);
    expect(verifyForStatus(s.db, minutesLater(1)).mode).toBe('whole');
  });
});
