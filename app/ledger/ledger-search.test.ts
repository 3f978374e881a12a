import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAccount, addAuthenticator, registerSeal } from '../inventory/inventory';
import { timestamp } from '../ports';
import { appendEntry, readHead } from '../../db/ledger';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { searchLedger } from './ledger-search';

describe('searching and paging the ledger in the database', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('pages through 100,000 entries newest first, each page from where the last ended, with every entry in words', () => {
    s.db.transaction(() => {
      for (let i = 1; i < 100_000; i += 1) appendEntry(s.db, { kind: 'seal.registered', actors: [s.actor], payload: { sealId: i, serial: `S-${i}` } }, timestamp(s.clock));
    })();
    const first = searchLedger(s.db, { limit: 50 });
    expect(first.total).toBe(100_000);
    expect(first.entries.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 100_000 - i));
    expect(first.entries[0]!.summary).toBe('Seal S-99999 registered');
    let beforeSeq = first.entries.at(-1)!.seq;
    let pages = 1;
    // The last pages: keyset paging reaches entry 1 without skipping or repeating any.
    beforeSeq = 151;
    const seen: number[] = [];
    for (;;) {
      const page = searchLedger(s.db, { limit: 50, beforeSeq });
      if (page.entries.length === 0) break;
      seen.push(...page.entries.map((e) => e.seq));
      beforeSeq = page.entries.at(-1)!.seq;
      pages += 1;
    }
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => 150 - i));
    expect(pages).toBe(4);
    expect(searchLedger(s.db, { text: 's-77777"', limit: 5 }).entries.map((e) => e.seq)).toEqual([77_778]);
  });

  it('narrows by family of event, item, UTC dates and text, together', () => {
    addAccount(s, ACCOUNT_1);
    const key = addAuthenticator(s, { kind: 'fido2', label: 'YK-01' });
    addAuthenticator(s, { kind: 'fido2', label: 'YK-02' });
    registerSeal(s, { serial: 'TB-000123' });
    appendEntry(s.db, { kind: 'seal.applied', actors: [s.actor], payload: { authenticatorId: key.id, label: 'YK-01', serial: 'TB-000123' } }, { recordedAt: '2026-12-01T10:00:00.000Z', utcOffset: '+01:00' });

    expect(searchLedger(s.db, { family: 'custody' }).entries.map((e) => e.kind)).toEqual(['seal.applied']);
    expect(searchLedger(s.db, { item: 'YK-01' }).entries.map((e) => e.kind)).toEqual(['seal.applied', 'authenticator.added']);
    expect(searchLedger(s.db, { family: 'inventory', item: 'yk-01' }).entries.map((e) => e.summary)).toEqual(['Key YK-01 added']);
    expect(searchLedger(s.db, { from: '2026-12-01', to: '2026-12-01' }).entries.map((e) => e.seq)).toEqual([readHead(s.db).seq]);
    expect(searchLedger(s.db, { to: '2026-11-30' }).total).toBe(readHead(s.db).seq - 1);
    expect(searchLedger(s.db, { text: 'tb-000123' })).toMatchObject({ total: 2 });
  });

  it('names the field of a bad filter in plain words', () => {
    const bad = (input: Parameters<typeof searchLedger>[1]) => {
      try {
        searchLedger(s.db, input);
      } catch (error) {
        return { field: (error as { field?: string }).field, message: (error as Error).message };
      }
      throw new Error('accepted');
    };
    expect(bad({ from: '25/11/2026' })).toEqual({ field: 'from', message: 'From must be a date written YYYY-MM-DD, e.g. 2026-11-25 (got "25/11/2026")' });
    expect(bad({ to: '2026-02-30' })).toMatchObject({ field: 'to' });
    expect(bad({ from: '2026-12-02', to: '2026-12-01' })).toEqual({ field: 'to', message: 'From must not be after To' });
    expect(bad({ family: 'everything' })).toMatchObject({ field: 'family' });
    expect(bad({ item: 'YK-404' })).toEqual({ field: 'item', message: 'no authenticator with id or label "YK-404"' });
    expect(bad({ limit: 0 })).toMatchObject({ field: 'limit' });
  });
});
