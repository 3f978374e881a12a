import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryBody, type UnsealedEntry } from '../../core/ledger/ledger';
import { findCustodianByName } from '../../db/custodians';
import { appendPreparedEntry, prepareEntry, sha256Hex } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { checkOut, type CustodySources } from '../custody/custody';
import { collectApproval } from '../custody/custodian-keys';
import { custodiansOf } from '../../test/support/circle';
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
    await custodiansOf(s, real.custodianKeys, ['Alice Example', 'Bob Example']);
    await custodiansOf(s, drill.custodianKeys, ['Dora Drill', 'Dan Drill']);
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
      message: "YK-01 is a real item: it changes only with custodians' real keys, never drill keys",
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
      db.prepare('UPDATE ledger_entries SET body = ?, digest = ? WHERE seq = ?').run(stripped, Buffer.from(sha256Hex(stripped), 'hex'), entry.seq);
    });
    const { db } = initDatabase(s.path, s.clock, s.actor);
    try {
      expect(verifyStoredLedger(db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/a custody\.checked_out entry needs the custodian's approval and has none/) });
    } finally {
      db.close();
    }
  });

  describe('the circle of trust, as the ledger proves it', () => {
    const aliceKey = () => s.db.prepare('SELECT credential_id AS credentialId, public_key AS publicKey FROM custodian_credentials WHERE custodian_id = ?').get(custodian('Alice Example').id) as { credentialId: string; publicKey: string };
    const intruderEnrolment = (): UnsealedEntry =>
      prepareEntry(
        s.db,
        { kind: 'custodian.key_enrolled', actors: [{ role: 'operator', name: 'eve' }], payload: { custodianId: 99, name: 'Eve Intruder', credentialId: 'ZXZl', publicKey: aliceKey().publicKey, aaguid: '00000000-0000-0000-0000-000000000000', model: 'x', drill: false, joined: true } },
        timestamp(s.clock),
      );

    it('fails verification of a custodian enrolled by nobody (the intruder writing into the file)', () => {
      const entry = appendPreparedEntry(s.db, intruderEnrolment(), []);
      expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/custodian\.key_enrolled entry needs the custodian's approval and has none/) });
    });

    it('fails verification of an enrolment one of whose approvers is the new custodian', async () => {
      const prepared = prepareEntry(
        s.db,
        { kind: 'custodian.key_enrolled', actors: [{ role: 'operator', name: 'x' }], payload: { custodianId: custodian('Bob Example').id, name: 'Bob Example', credentialId: 'Ym9i', publicKey: aliceKey().publicKey, aaguid: '00000000-0000-0000-0000-000000000000', model: 'x', drill: false, joined: false } },
        timestamp(s.clock),
      );
      const entry = await appendSignedBy(prepared, real.custodianKeys, 'Alice Example', 'Bob Example');
      expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/approved a change about themselves/) });
    });

    it('fails verification of a second founding of the circle', async () => {
      const refounding = prepareEntry(
        s.db,
        { kind: 'custodians.founded', actors: [{ role: 'custodian', name: 'Alice Example' }], payload: { custodians: [{ custodianId: custodian('Alice Example').id, ...aliceKey(), drill: false }, { custodianId: custodian('Bob Example').id, ...aliceKey(), drill: false }], drill: false } },
        timestamp(s.clock),
      );
      const entry = appendPreparedEntry(s.db, refounding, []);
      expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/founded again/) });
    });
  });
});
