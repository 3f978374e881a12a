import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendPreparedEntry, prepareEntry, verifyLedger } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { createApprovalInspector } from '../ledger/approval-verification';
import { deactivateCustodian } from './circle';
import { custodiansOf } from '../../test/support/circle';
import { checkOut, countersign, listCustody, returnItem, sealItem, type CustodySources } from './custody';
import { listFindings } from '../findings/findings';
import { listSeals } from '../../db/seals';
import { enrolKey } from '../presence/enrolment';
import { registerSeal } from '../inventory/inventory';
import { drillKeySource } from '../presence/key-sources';
import { verifyStoredLedger } from '../ledger/ledger';
import { timestamp } from '../ports';

type TestSession = ReturnType<typeof openTestSession>;

describe('custody under dual control, with drill keys', () => {
  let s: TestSession;
  let sources: CustodySources;
  beforeEach(async () => {
    s = openTestSession();
    sources = { custodianKeys: drillKeySource(s.db, { store: 'custodians' }), emergencyKeys: drillKeySource(s.db) };
    await custodiansOf(s, sources.custodianKeys, ['Alice Example', 'Bob Example', 'Carol Example']);
    await enrolKey(s, sources.emergencyKeys, { label: 'YK-01' });
    for (const serial of ['S-1', 'S-2', 'S-3', 'S-4']) registerSeal(s, { serial });
  });
  afterEach(() => s.close());

  const checkoutInput = { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'drill', ticket: 'CHG-1042', expectedReturn: '8h', brokenSeal: 'S-1', sealIntact: true };
  const lastBody = () => JSON.parse(s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string);

  it('checks out with both custodians signing the entry, and returns with a presence check and a new seal', async () => {
    const steps: string[] = [];
    const { checkout } = await checkOut(s, sources, checkoutInput, (step) => steps.push(`${step.role}:${step.step}`));
    expect(steps).toEqual(['custodian:approved', 'witness:approved']);
    expect(checkout).toMatchObject({ label: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'drill', brokenSeal: 'S-1', sealIntact: true, returnedAt: null });
    const body = lastBody();
    expect(body.kind).toBe('custody.checked_out');
    expect(body.approvals.map((a: { role: string }) => a.role)).toEqual(['custodian', 'witness']);
    expect(s.db.prepare("SELECT state FROM authenticators WHERE label = 'YK-01'").pluck().get()).toBe('checked_out');
    expect(s.db.prepare("SELECT state FROM seals WHERE serial = 'S-1'").pluck().get()).toBe('broken');
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });

    const { presence } = await returnItem(s, sources, { item: 'YK-01', custodian: 'Bob Example', witness: 'Alice Example', newSeal: 'S-2' });
    expect(presence).toMatchObject({ result: 'ok', signCountDelta: 1 });
    expect(lastBody()).toMatchObject({ kind: 'custody.returned', payload: { newSeal: 'S-2', checkoutSeq: checkout.checkoutSeq, presence: { result: 'ok' } } });
    expect(s.db.prepare("SELECT state FROM authenticators WHERE label = 'YK-01'").pluck().get()).toBe('in_safe');
    expect(s.db.prepare("SELECT state FROM seals WHERE serial = 'S-2'").pluck().get()).toBe('sealing');
    expect(listCustody(s, { open: true })).toEqual([]);
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  describe('refuses with a clear error and writes nothing', () => {
    type Step = (t: TestSession, src: CustodySources) => Promise<unknown> | unknown;
    const none: Step = () => undefined;
    const out: Step = (t, src) => checkOut(t, src, checkoutInput);
    const outAndBack: Step = async (t, src) => {
      await checkOut(t, src, checkoutInput);
      await returnItem(t, src, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', newSeal: 'S-2' });
    };
    const refusals: [string, Step, Step, RegExp][] = [
      ['an item already out', out, (t, src) => checkOut(t, src, { ...checkoutInput, brokenSeal: 'S-3' }), /is checked out, not in the safe/],
      ['a witness who is the custodian', none, (t, src) => checkOut(t, src, { ...checkoutInput, witness: 'Alice Example' }), /witness must be a different custodian/],
      ['a deactivated custodian', (t, src) => deactivateCustodian(t, src.custodianKeys, { name: 'Carol Example', reason: 'left the organisation', approvers: ['Alice Example', 'Bob Example'] }), (t, src) => checkOut(t, src, { ...checkoutInput, witness: 'Carol Example' }), /Carol Example has been deactivated and cannot approve/],
      ['a return without an open checkout', none, (t, src) => returnItem(t, src, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', newSeal: 'S-2' }), /no open checkout to return/],
      ['a seal that was already broken', outAndBack, (t, src) => checkOut(t, src, checkoutInput), /seal S-1 was already broken; a seal serial is never reused/],
      ['a return seal used before', out, (t, src) => returnItem(t, src, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', newSeal: 'S-1' }), /seal S-1 has been used before/],
      ['no witness outside an emergency', none, (t, src) => checkOut(t, src, { ...checkoutInput, witness: undefined, withoutWitness: true }), /only an emergency checkout may go without a witness/],
      ['an expected return in the past', none, (t, src) => checkOut(t, src, { ...checkoutInput, expectedReturn: '2020-01-01T00:00:00Z' }), /must lie in the future/],
      ['an unknown reason', none, (t, src) => checkOut(t, src, { ...checkoutInput, reason: 'curiosity' }), /reason must be one of drill, emergency, maintenance, audit/],
    ];
    it.each(refusals)('%s', async (_name, setup, act, message) => {
      await setup(s, sources);
      const head = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
      const states = s.db.prepare('SELECT label, state FROM authenticators UNION ALL SELECT serial, state FROM seals').all();
      await expect(Promise.resolve().then(() => act(s, sources))).rejects.toThrow(message);
      expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(head);
      expect(s.db.prepare('SELECT label, state FROM authenticators UNION ALL SELECT serial, state FROM seals').all()).toEqual(states);
      expect(verifyStoredLedger(s.db).ok).toBe(true);
    });
  });

  it('lets a real emergency go with one custodian, flagged until a second one countersigns', async () => {
    await checkOut(s, sources, { ...checkoutInput, reason: 'emergency', witness: undefined, withoutWitness: true });
    expect(listCustody(s, { open: true })[0]).toMatchObject({ witness: null, awaitingCountersign: true });
    await expect(countersign(s, sources, { item: 'YK-01', custodian: 'Alice Example' })).rejects.toThrow(/different custodian/);
    await countersign(s, sources, { item: 'YK-01', custodian: 'Bob Example' });
    expect(listCustody(s, { open: true })[0]).toMatchObject({ awaitingCountersign: false });
    expect(lastBody()).toMatchObject({ kind: 'custody.countersigned', approvals: [expect.objectContaining({ role: 'countersigner' })] });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('shows an item past its expected return as overdue', async () => {
    const { checkout } = await checkOut(s, sources, { ...checkoutInput, expectedReturn: '1h' });
    expect(listCustody(s, { overdue: true })).toEqual([]);
    const later = { ...s, clock: { now: () => new Date(Date.parse(checkout.expectedReturnAt) + 60_000), utcOffsetMinutes: () => 60 } };
    expect(listCustody(later, { overdue: true })).toEqual([expect.objectContaining({ label: 'YK-01', overdue: true })]);
    const { readStatus } = await import('../inventory/status');
    expect(readStatus(s.db, later.clock.now()).custody).toEqual({ out: ['YK-01'], overdue: ['YK-01'], awaitingCountersign: [] });
  });

  it('rejects a replayed approval: a signature over another entry is named when the ledger is verified', async () => {
    await checkOut(s, sources, checkoutInput);
    const stolen = lastBody().approvals as Parameters<typeof appendPreparedEntry>[2];
    // Someone with write access to the file appends a plausible entry carrying the old signatures,
    // with a correct hash: only the approval check can catch it.
    const forged = prepareEntry(s.db, { kind: 'custody.checked_out', actors: [{ role: 'custodian', name: 'Alice Example' }], payload: { authenticatorId: 1, label: 'YK-01', forged: true } }, timestamp(s.clock));
    const entry = appendPreparedEntry(s.db, forged, stolen);
    expect(verifyLedger(s.db).ok).toBe(true); // the chain itself is sound
    const result = verifyStoredLedger(s.db);
    expect(result).toMatchObject({ ok: false, firstBadSeq: entry.seq, reason: 'approval_invalid' });
    expect(result.message).toMatch(/signature is over a different entry \(replayed or forged approval\)/);
  });

  it('rejects an approval whose signature was altered, and one by a key no custodian enrolled', async () => {
    await checkOut(s, sources, checkoutInput);
    const approvals = lastBody().approvals as { signature: string; credentialId: string }[];
    const prepared = prepareEntry(s.db, { kind: 'custody.countersigned', actors: [{ role: 'witness', name: 'Bob Example' }], payload: { note: 'forged' } }, timestamp(s.clock));
    const inspector = createApprovalInspector();
    // Feed the inspector the ledger so far, then the forged entries.
    for (const body of s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq').pluck().all() as string[]) expect(inspector(body, 0)).toBeUndefined();
    const altered = { ...approvals[1]!, role: 'countersigner', signature: Buffer.from('MEUCIQ' + 'A'.repeat(90), 'base64url').toString('base64url') };
    expect(inspector(JSON.stringify({ ...prepared, approvals: [altered] }), 0)).toMatch(/over a different entry|does not verify/);
    expect(inspector(JSON.stringify({ ...prepared, approvals: [{ ...altered, credentialId: 'AAAA' }] }), 0)).toMatch(/key no custodian enrolled/);
  });

  it('refuses an approval from a key whose counter did not move on (a replayed assertion)', async () => {
    s.db.prepare("UPDATE custodian_credentials SET sign_count = 1000 WHERE custodian_id = (SELECT id FROM custodians WHERE name = 'Alice Example')").run();
    await expect(checkOut(s, sources, checkoutInput)).rejects.toThrow(/Alice Example's approval did not verify: .*counter/i);
    expect(s.db.prepare("SELECT state FROM authenticators WHERE label = 'YK-01'").pluck().get()).toBe('in_safe');
  });

  it('writes a return and its presence check together or not at all: a refused witness touch leaves no check behind', async () => {
    await checkOut(s, sources, checkoutInput);
    const checks = () => s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'presence.checked'").pluck().get();
    const head = () => s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    const [checksBefore, headBefore] = [checks(), head()];
    const refusingWitness = { ...sources, custodianKeys: drillKeySource(s.db, { store: 'custodians', presence: async () => 'denied' }) };
    await expect(returnItem(s, refusingWitness, { item: 'YK-01', custodian: 'Bob Example', witness: 'Alice Example', newSeal: 'S-2' })).rejects.toThrow(/denied|refused|OPERATION_DENIED/i);
    expect([checks(), head()]).toEqual([checksBefore, headBefore]);
    expect(listCustody(s, { open: true })).toHaveLength(1);
    // Done again with both touches, the check and the return land as two consecutive entries.
    await returnItem(s, sources, { item: 'YK-01', custodian: 'Bob Example', witness: 'Alice Example', newSeal: 'S-2' });
    const [check, back] = s.db.prepare('SELECT kind FROM ledger_entries WHERE seq > ? ORDER BY seq').pluck().all(headBefore);
    expect([check, back]).toEqual(['presence.checked', 'custody.returned']);
    expect(lastBody().payload.presence).toMatchObject({ result: 'ok', ledgerSeq: (headBefore as number) + 1 });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  describe('seals bound to items', () => {
    const head = () => s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    const holds = (serial: string) => listSeals(s.db).find((seal) => seal.serial === serial);

    it('records the seal an item is under, and a return reseals it under the new serial', async () => {
      expect(sealItem(s, { item: 'YK-01', serial: 'S-1' })).toMatchObject({ serial: 'S-1', state: 'sealing', holds: 'YK-01' });
      expect(lastBody()).toMatchObject({ kind: 'seal.applied', payload: { label: 'YK-01', serial: 'S-1' } });
      expect(() => sealItem(s, { item: 'YK-01', serial: 'S-2' })).toThrow(/already under seal S-1/);
      await checkOut(s, sources, checkoutInput);
      expect(lastBody().payload).toMatchObject({ brokenSeal: 'S-1', recordedSeal: 'S-1', sealMismatch: false });
      expect(holds('S-1')).toMatchObject({ state: 'broken', holds: null });
      await returnItem(s, sources, { item: 'YK-01', custodian: 'Bob Example', witness: 'Alice Example', newSeal: 'S-2' });
      expect(holds('S-2')).toMatchObject({ state: 'sealing', holds: 'YK-01' });
      // The next checkout must break S-2, the seal it went back under.
      await expect(checkOut(s, sources, { ...checkoutInput, brokenSeal: 'S-3' })).rejects.toMatchObject({ code: 'conflict', field: 'brokenSeal', message: expect.stringMatching(/recorded under seal S-2, not S-3/) });
      expect(verifyStoredLedger(s.db).ok).toBe(true);
    });

    it('refuses a checkout that breaks an unused seal instead of the one recorded, and writes nothing', async () => {
      sealItem(s, { item: 'YK-01', serial: 'S-1' });
      const before = head();
      await expect(checkOut(s, sources, { ...checkoutInput, brokenSeal: 'S-2' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/YK-01 is recorded under seal S-1, not S-2/) });
      expect(head()).toBe(before);
      expect(holds('S-1')).toMatchObject({ state: 'sealing', holds: 'YK-01' });
      expect(holds('S-2')).toMatchObject({ state: 'unused' });
    });

    it('checks out under another seal only by explicit choice, recorded as a seal-mismatch finding', async () => {
      sealItem(s, { item: 'YK-01', serial: 'S-1' });
      await expect(checkOut(s, sources, { ...checkoutInput, brokenSeal: 'S-1', sealMismatch: true })).rejects.toMatchObject({ field: 'sealMismatch' });
      // Found under a seal nobody registered: recorded as it was found.
      await checkOut(s, sources, { ...checkoutInput, brokenSeal: 'X-999', sealMismatch: true });
      expect(lastBody().payload).toMatchObject({ brokenSeal: 'X-999', recordedSeal: 'S-1', sealMismatch: true });
      const mismatch = listFindings(s).find((f) => f.kind === 'seal-mismatch');
      expect(mismatch).toMatchObject({ title: 'Drill: YK-01: found under seal X-999, recorded under S-1', evidence: [lastBody().seq] });
    });

    it('refuses to break a seal that holds another item', async () => {
      await enrolKey(s, sources.emergencyKeys, { label: 'YK-02' });
      sealItem(s, { item: 'YK-02', serial: 'S-1' });
      await expect(checkOut(s, sources, checkoutInput)).rejects.toMatchObject({ message: 'seal S-1 holds YK-02, not YK-01' });
    });
  });
});

describe('staff changes and the validation', () => {
  it('makes the validation due when a custodian is deactivated, and says why', async () => {
    const s = openTestSession();
    try {
      const { readStatus } = await import('../inventory/status');
      const keys = drillKeySource(s.db, { store: 'custodians' });
      await custodiansOf(s, keys, ['Alice Example', 'Bob Example', 'Dana Example']);
      const approvers = ['Alice Example', 'Bob Example'];
      await expect(deactivateCustodian(s, keys, { name: 'Dana Example', approvers: ['Alice Example'] })).rejects.toThrow(/needs two approving custodians/);
      await expect(deactivateCustodian(s, keys, { name: 'Dana Example', approvers: ['Dana Example', 'Bob Example'] })).rejects.toThrow(/Dana Example cannot approve a change about themselves/);
      await deactivateCustodian(s, keys, { name: 'Dana Example', reason: 'left the organisation', approvers });
      expect(readStatus(s.db).validation).toMatchObject({ due: true, because: expect.stringMatching(/Dana Example was deactivated on \d{4}-\d\d-\d\d \(ledger entry \d+\)$/) });
      await expect(deactivateCustodian(s, keys, { name: 'Dana Example', approvers })).rejects.toThrow(/already deactivated/);
    } finally {
      s.close();
    }
  });
});
