import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEntry } from '../../db/ledger';
import { custodiansOf } from '../../test/support/circle';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { addAccount, addAuthenticator, registerSeal } from '../inventory/inventory';
import { listInventory } from '../inventory/inventory';
import { verifyStoredLedger } from '../ledger/ledger';
import { timestamp } from '../ports';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { bindAuthenticator, retireAuthenticator, unbindAuthenticator } from './binding';
import { checkOut } from './custody';

type TestSession = ReturnType<typeof openTestSession>;

/** Software keys standing in for real hardware (there is none here): recorded as real, not drills. */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

describe('binding, unbinding and retiring items under dual control', () => {
  let s: TestSession;
  let keys: KeySource;
  const approvers = ['Alice Example', 'Bob Example'];
  const item = (label: string) => listInventory(s).authenticators.find((a) => a.label === label)!;
  const head = () => s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
  beforeEach(async () => {
    s = openTestSession();
    keys = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    addAccount(s, ACCOUNT_1);
    await enrolKey(s, standInForHardware(drillKeySource(s.db)), { label: 'YK-01' });
    await custodiansOf(s, keys, approvers);
  });
  afterEach(() => s.close());

  it('binds, unbinds and retires with two custodians\' approvals, and the ledger verifies the tables', async () => {
    const { entry } = await bindAuthenticator(s, keys, { item: 'YK-01', account: ACCOUNT_1.upn, approvers });
    expect(entry).toMatchObject({ kind: 'authenticator.bound', approvals: [expect.objectContaining({ role: 'custodian' }), expect.objectContaining({ role: 'witness' })] });
    expect(item('YK-01').accountUpn).toBe(ACCOUNT_1.upn);
    await unbindAuthenticator(s, keys, { item: 'YK-01', approvers, reason: 'moved to break glass 2' });
    expect(item('YK-01').accountUpn).toBeNull();
    await retireAuthenticator(s, keys, { item: 'YK-01', approvers, reason: 'replaced by YK-03' });
    expect(item('YK-01').state).toBe('retired');
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });
  });

  it.each<[string, () => unknown, RegExp]>([
    ['binding at add once the circle is founded', () => addAuthenticator(s, { kind: 'fido2', label: 'YK-09', account: ACCOUNT_1.upn }), /binding YK-09 to an account needs two custodians' approval/],
    ['one approver', () => bindAuthenticator(s, keys, { item: 'YK-01', account: ACCOUNT_1.upn, approvers: ['Alice Example'] }), /needs two approving custodians/],
    ['the same approver twice', () => bindAuthenticator(s, keys, { item: 'YK-01', account: ACCOUNT_1.upn, approvers: ['Alice Example', 'Alice Example'] }), /must be different custodians/],
    ['drill keys on a real item', () => bindAuthenticator(s, drillKeySource(s.db, { store: 'custodians' }), { item: 'YK-01', account: ACCOUNT_1.upn, approvers }), /YK-01 is a real item: it changes only with custodians' real keys/],
    ['unbinding an item bound to nothing', () => unbindAuthenticator(s, keys, { item: 'YK-01', approvers, reason: 'x' }), /is not bound to an account/],
    ['retiring without a reason', () => retireAuthenticator(s, keys, { item: 'YK-01', approvers }), /reason/],
  ])('refuses %s and writes nothing', async (_what, act, message) => {
    const before = head();
    await expect(Promise.resolve().then(act)).rejects.toThrow(message);
    expect(head()).toBe(before);
  });

  it('refuses to retire an item that is out of the safe', async () => {
    registerSeal(s, { serial: 'S-1' });
    await checkOut(s, { custodianKeys: keys, emergencyKeys: keys }, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true });
    await expect(retireAuthenticator(s, keys, { item: 'YK-01', approvers, reason: 'x' })).rejects.toThrow(/checked out: return it before retiring it/);
  });

  it('fails verification of a binding written into the file without approvals, naming the entry', () => {
    s.db.prepare('UPDATE authenticators SET account_id = 1 WHERE label = ?').run('YK-01');
    const entry = appendEntry(s.db, { kind: 'authenticator.bound', actors: [s.actor], payload: { authenticatorId: item('YK-01').id, label: 'YK-01', accountId: 1, account: ACCOUNT_1.upn, drill: false } }, timestamp(s.clock));
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/authenticator\.bound entry needs the custodian's approval and has none/) });
  });

  it('fails verification of an item added already bound after the circle was founded', () => {
    const entry = appendEntry(s.db, { kind: 'authenticator.added', actors: [s.actor], payload: { authenticatorId: 99, kind: 'fido2', label: 'YK-99', serial: '', place: null, account: ACCOUNT_1.upn, state: 'in_safe' } }, timestamp(s.clock));
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: "entry " + entry.seq + ": YK-99 was bound to " + ACCOUNT_1.upn + " without two custodians' approval" });
  });
});
