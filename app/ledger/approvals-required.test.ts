import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryBody, type UnsealedEntry } from '../../core/ledger/ledger';
import { findCustodianByName } from '../../db/custodians';
import { appendPreparedEntry, prepareEntry, sha256Hex } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { checkOut, type CustodySources } from '../custody/custody';
import { collectApproval, enrolCustodianKey } from '../custody/custodian-keys';
import { registerSeal } from '../inventory/inventory';
import { initDatabase } from '../keyward';
import { timestamp } from '../ports';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { verifyStoredLedger } from './ledger';

type TestSession = ReturnType<typeof openTestSession>;

/** Software keys standing in for real hardware (there is none here): recorded as real, not drills. */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

describe('approvals the ledger requires, and drills walled off from real custody', () => {
  let s: TestSession;
  let real: CustodySources;
  let drill: CustodySources;
  beforeEach(async () => {
    s = openTestSession();
    real = { custodianKeys: standInForHardware(drillKeySource(s.db, { store: 'custodians' })), emergencyKeys: standInForHardware(drillKeySource(s.db)) };
    drill = { custodianKeys: drillKeySource(s.db, { store: 'custodians' }), emergencyKeys: drillKeySource(s.db) };
    for (const name of ['Alice Example', 'Bob Example']) await enrolCustodianKey(s, real.custodianKeys, { name });
    for (const name of ['Dora Drill', 'Dan Drill']) await enrolCustodianKey(s, drill.custodianKeys, { name });
    await enrolKey(s, real.emergencyKeys, { label: 'YK-01' });
    for (const serial of ['S-1', 'S-2']) registerSeal(s, { serial });
  });
  afterEach(() => s.close());

  const custodian = (name: string) => findCustodianByName(s.db, name)!;
  const forgedCheckout = (custodianName: string, witnessName: string, drillFlag: boolean): UnsealedEntry =>
    prepareEntry(
      s.db,
      {
        kind: 'custody.checked_out',
        actors: [{ role: 'custodian', name: custodianName }],
        payload: { authenticatorId: 1, label: 'YK-01', custodianId: custodian(custodianName).id, witnessId: custodian(witnessName).id, reason: 'maintenance', expectedReturnAt: '2026-12-01T00:00:00.000Z', brokenSeal: 'S-1', sealIntact: true, noWitness: false, drill: drillFlag },
      },
      timestamp(s.clock),
    );
  async function appendSignedBy(entry: UnsealedEntry, keys: KeySource, custodianName: string, witnessName: string) {
    const first = await collectApproval(s, keys, custodian(custodianName), entry, 'custodian');
    const second = await collectApproval(s, keys, custodian(witnessName), entry, 'witness');
    return appendPreparedEntry(s.db, entry, [first.approval, second.approval]);
  }

  it('refuses to check a real item out with drill keys, and writes nothing', async () => {
    const before = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    await expect(checkOut(s, drill, { item: 'YK-01', custodian: 'Dora Drill', witness: 'Dan Drill', reason: 'drill', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true })).rejects.toMatchObject({
      code: 'invalid_input',
      message: "YK-01 is a real item: its custody needs custodians' real keys, never drill keys",
    });
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(before);
  });

  it('fails verification of a real checkout whose approvals were made with drill keys, naming the entry', async () => {
    const entry = await appendSignedBy(forgedCheckout('Dora Drill', 'Dan Drill', false), drill.custodianKeys, 'Dora Drill', 'Dan Drill');
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, reason: 'approval_invalid', message: expect.stringMatching(/made with a drill key; drill keys never approve anything real/) });
  });

  it('fails verification of a "drill" checkout of a real item, even with drill signatures that verify', async () => {
    const entry = await appendSignedBy(forgedCheckout('Dora Drill', 'Dan Drill', true), drill.custodianKeys, 'Dora Drill', 'Dan Drill');
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/a drill custody\.checked_out entry for YK-01, a real item/) });
  });

  it('fails verification when one custodian approved as both custodian and witness', async () => {
    const entry = await appendSignedBy(forgedCheckout('Alice Example', 'Alice Example', false), real.custodianKeys, 'Alice Example', 'Alice Example');
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/the same custodian approved twice/) });
  });

  it('fails verification of a custody entry stripped of its approvals and rehashed', async () => {
    const { entry } = await checkOut(s, real, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
    s.db.close();
    tamper(s.path, (db) => {
      const stripped = entryBody({ ...entry, approvals: undefined });
      db.prepare('UPDATE ledger_entries SET body = ?, hash = ? WHERE seq = ?').run(stripped, sha256Hex(stripped), entry.seq);
    });
    const { db } = initDatabase(s.path, s.clock, s.actor);
    try {
      expect(verifyStoredLedger(db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/a custody\.checked_out entry needs the custodian's approval and has none/) });
    } finally {
      db.close();
    }
  });
});
