import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEntry } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { addPlace } from '../inventory/inventory';
import { timestamp } from '../ports';
import { verifyStoredLedger } from './ledger';
import { verifyStoredLedgerOnThread } from './verify-on-thread';

describe('the ledger verified on a thread of its own', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  const presenceChecks = (count: number) =>
    s.db.transaction(() => {
      for (let i = 0; i < count; i += 1) appendEntry(s.db, { kind: 'presence.checked', actors: [s.actor], payload: { label: `YK-${i % 50}`, result: 'ok', drill: false } }, timestamp(s.clock));
    })();

  it('reaches the verdict verifyStoredLedger reaches here, for a sound ledger and an edited one', async () => {
    addPlace(s, { name: 'Safe A' });
    presenceChecks(300);
    const here = verifyStoredLedger(s.db);
    expect(here).toMatchObject({ ok: true, entries: 302 });
    expect(await verifyStoredLedgerOnThread(s.db)).toEqual(here);
    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'YK-7', 'YK-8') WHERE seq = 10").run());
    const edited = verifyStoredLedger(s.db);
    expect(edited).toMatchObject({ ok: false, firstBadSeq: 10, reason: 'content_changed' });
    expect(await verifyStoredLedgerOnThread(s.db)).toEqual(edited);
    expect(await verifyStoredLedgerOnThread(s.db, { expectHead: 'f'.repeat(64) })).toEqual(verifyStoredLedger(s.db, { expectHead: 'f'.repeat(64) }));
  });

  it('refuses an expected head that is not a hash before any thread starts', async () => {
    await expect(verifyStoredLedgerOnThread(s.db, { expectHead: 'not a hash' })).rejects.toMatchObject({ code: 'invalid_input', field: 'expectHead' });
  });

  it('keeps this thread answering while it walks, and sends the progress on', async () => {
    presenceChecks(60_000);
    const progress: number[] = [];
    let turns = 0;
    const ticking = setInterval(() => (turns += 1), 1);
    try {
      const verdict = await verifyStoredLedgerOnThread(s.db, {}, (done) => progress.push(done));
      expect(verdict).toMatchObject({ ok: true, entries: 60_001 });
    } finally {
      clearInterval(ticking);
    }
    // Progress came in while the verdict was still to come, between turns of this thread's loop.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(60_001);
    expect(turns).toBeGreaterThan(0);
  });

  it('says what stopped it, as a KeywardError with its code, when the file is no longer there to open', async () => {
    // Unlinked while this connection holds it open: the thread's own connection finds no file.
    rmSync(s.path);
    await expect(verifyStoredLedgerOnThread(s.db)).rejects.toMatchObject({ name: 'KeywardError', code: 'not_found' });
  });
});
