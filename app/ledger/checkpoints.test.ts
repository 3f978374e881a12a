import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, entryBody, type LedgerEntry } from '../../core/ledger/ledger';
import { sha256Hex } from '../../db/ledger';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { checkOut } from '../custody/custody';
import { addPlace, registerSeal } from '../inventory/inventory';
import { enrolKey } from '../presence/enrolment';
import { initDatabase } from '../keyward';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { checkpointDue, listCheckpoints, nameSite, recordCheckpoint, throughCheckpoint } from './checkpoints';
import { verifyStoredLedger } from './ledger';

type TestSession = ReturnType<typeof openTestSession>;

/** Software keys standing in for the custodians' hardware keys (there are none here): recorded as real. */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

/**
 * What someone holding the file can do: change the entries, then re-link and re-hash the whole
 * chain so that every hash and every link is consistent again.
 */
function rewriteChain(path: string, edit: (entries: LedgerEntry[]) => LedgerEntry[]): void {
  tamper(path, (db) => {
    const entries = (db.prepare('SELECT body, hash FROM ledger_entries ORDER BY seq').all() as { body: string; hash: string }[]).map((r) => ({ ...JSON.parse(r.body), hash: r.hash }) as LedgerEntry);
    let prevHash = GENESIS_HASH;
    db.prepare('DELETE FROM ledger_entries').run();
    edit(entries).forEach((entry, index) => {
      const { hash: _old, ...rest } = entry;
      const isCheckpoint = rest.kind === 'ledger.checkpoint';
      // A thorough forger also moves the head each checkpoint pins.
      const payload = isCheckpoint ? { ...rest.payload, headHash: prevHash, entries: index } : rest.payload;
      const body = entryBody({ ...rest, payload, seq: index + 1, prevHash });
      prevHash = sha256Hex(body);
      db.prepare('INSERT INTO ledger_entries (seq, body, digest) VALUES (?, ?, ?)').run(index + 1, body, Buffer.from(prevHash, 'hex'));
    });
  });
}

describe('signed checkpoints', () => {
  let s: TestSession;
  let keys: KeySource;
  beforeEach(async () => {
    s = openTestSession();
    keys = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    await custodiansOf(s, keys, ['Alice Example', 'Bob Example', 'Carol Example']);
    nameSite(s, { name: 'HQ' });
    addPlace(s, { name: 'HQ safe A', site: 'HQ' });
    for (const serial of ['S-1', 'S-2']) registerSeal(s, { serial });
  });
  afterEach(() => s.close());

  const reopenAndVerify = () => {
    s.db.close();
    const { db } = initDatabase(s.path, s.clock, s.actor);
    try {
      return verifyStoredLedger(db);
    } finally {
      db.close();
    }
  };

  it('records the head, the entry count and the site, signed by two custodians, and verifies', async () => {
    const headBefore = s.db.prepare('SELECT hash FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get();
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    expect(checkpoint).toMatchObject({ number: 1, headHash: headBefore, entries: checkpoint.seq - 1, site: { name: 'HQ' }, custodian: 'Alice Example', witness: 'Bob Example', drill: false });
    expect(checkpoint.site.id).toMatch(/^[0-9a-f]{64}$/);
    await recordCheckpoint(s, keys, { custodian: 'Carol Example', witness: 'Alice Example' });
    expect(listCheckpoints(s.db).map((c) => c.number)).toEqual([1, 2]);
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });
  });

  it('refuses one custodian signing twice, or an unknown custodian, and writes nothing', async () => {
    const count = () => s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get();
    const before = count();
    await expect(recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Alice Example' })).rejects.toMatchObject({ code: 'invalid_input', message: 'a checkpoint is signed by two different custodians' });
    await expect(recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Mallory' })).rejects.toMatchObject({ code: 'not_found', field: 'witness' });
    expect(count()).toBe(before);
  });

  it('fails a chain rewritten consistently after a checkpoint, naming the checkpoint', async () => {
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    registerSeal(s, { serial: 'S-3' });
    // Seal S-2 is erased from history, and every later entry renumbered and re-hashed.
    rewriteChain(s.path, (entries) => entries.filter((e) => !(e.kind === 'seal.registered' && e.payload.serial === 'S-2')));
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: checkpoint.seq - 1, reason: 'approval_invalid', message: expect.stringMatching(/rewritten after checkpoint 1 was signed/) });
  });

  it('fails a rewrite that leaves the checkpoint pinning the old head', async () => {
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    s.db.close();
    tamper(s.path, (db) => {
      const row = db.prepare('SELECT body FROM ledger_entries WHERE seq = ?').pluck().get(checkpoint.seq) as string;
      const entry = JSON.parse(row) as LedgerEntry;
      const body = entryBody({ ...entry, payload: { ...entry.payload, entries: 2 } });
      db.prepare('UPDATE ledger_entries SET body = ?, digest = ? WHERE seq = ?').run(body, Buffer.from(sha256Hex(body), 'hex'), checkpoint.seq);
    });
    const { db } = initDatabase(s.path, s.clock, s.actor);
    try {
      expect(verifyStoredLedger(db)).toMatchObject({ ok: false, firstBadSeq: checkpoint.seq, message: expect.stringMatching(/rewritten after checkpoint 1: it pins head/) });
    } finally {
      db.close();
    }
  });

  it('fails a ledger cut back and rewritten behind a checkpoint known from elsewhere', async () => {
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    expect(throughCheckpoint(s.db, verifyStoredLedger(s.db), checkpoint.hash)).toMatchObject({ ok: true });
    // Everything from the checkpoint on is cut off, and an entry before it erased: the rest re-hashed.
    rewriteChain(s.path, (entries) => entries.filter((e) => e.seq < checkpoint.seq && e.kind !== 'site.named'));
    const { db } = initDatabase(s.path, s.clock, s.actor);
    try {
      const chain = verifyStoredLedger(db);
      // The chain alone holds together; the checkpoint printed earlier says what happened.
      expect(chain).toMatchObject({ ok: true });
      expect(throughCheckpoint(db, chain, checkpoint.hash)).toMatchObject({ ok: false, reason: 'head_mismatch', message: `the ledger was rewritten after checkpoint ${checkpoint.hash}: it no longer passes through that signed checkpoint (entries were removed or replaced)` });
      expect(() => throughCheckpoint(db, chain, 'abc')).toThrow('the expected checkpoint must be its SHA-256 hash');
    } finally {
      db.close();
    }
  });

  it('fails a checkpoint whose signature was forged', async () => {
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    rewriteChain(s.path, (entries) =>
      entries.map((e) => {
        if (e.seq !== checkpoint.seq) return e;
        const signature = Buffer.from(e.approvals![1]!.signature, 'base64url');
        signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 0x01, signature.length - 1);
        return { ...e, approvals: [e.approvals![0]!, { ...e.approvals![1]!, signature: signature.toString('base64url') }] };
      }),
    );
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: checkpoint.seq, message: "entry " + checkpoint.seq + ": checkpoint 1: the witness's signature does not verify" });
  });

  it('fails a checkpoint carrying the signatures of an earlier one', async () => {
    const first = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    registerSeal(s, { serial: 'S-3' });
    const second = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    rewriteChain(s.path, (entries) => {
      const approvals = entries.find((e) => e.seq === first.seq)!.approvals;
      return entries.map((e) => (e.seq === second.seq ? { ...e, approvals } : e));
    });
    expect(reopenAndVerify()).toMatchObject({ ok: false, firstBadSeq: second.seq, message: expect.stringMatching(/checkpoint 2 carries the custodian's signature replayed from checkpoint 1/) });
  });

  it('is due after a custody transaction, and no longer once a checkpoint follows it', async () => {
    const emergencyKeys = standInForHardware(drillKeySource(s.db));
    await enrolKey(s, emergencyKeys, { label: 'YK-01' });
    expect(checkpointDue(s.db)).toBe(false);
    await checkOut(s, { custodianKeys: keys, emergencyKeys }, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true });
    expect(checkpointDue(s.db)).toBe(true);
    await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    expect(checkpointDue(s.db)).toBe(false);
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });
  });
});
