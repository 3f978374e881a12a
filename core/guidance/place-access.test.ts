import { describe, expect, it } from 'vitest';
import { accessChanges, deviceReachableRule, latestAccessLists, type AccessList } from './place-access';
import { summariseEntry } from '../ledger/entry-summary';
import { judgePosture, NOTHING_ATTESTED, type AccountFacts, type BoundItem, type OrganisationFacts } from './posture';

const NOW = new Date('2026-11-25T09:00:00Z');
const key = (label: string, place: string | null, extra: Partial<BoundItem> = {}): BoundItem => ({ label, kind: 'fido2', place, expiresAt: null, ...extra });
const account = (n: number, ...authenticators: BoundItem[]): AccountFacts => ({
  upn: `bg${n}@contoso.onmicrosoft.com`, objectId: `00000000-0000-0000-0000-00000000000${n}`, cloudOnly: 'yes', globalAdmin: 'permanent', excludedFromAllConditionalAccess: 'yes',
  phoneMfa: 'no', perUserMfa: 'no', personalMethods: 'no', mechanism: '', authenticators,
});
const list = (place: string, people: string[], recordedAt = '2026-11-20T09:00:00.000Z', seq = 5): AccessList => ({ placeId: 1, place, people, seq, recordedAt, by: 'operator' });
const lists = (...l: AccessList[]) => new Map(l.map((x) => [x.place, x]));
const org: OrganisationFacts = { adminMechanism: '', signInMonitoring: 'yes', caStance: 'exclude', expiryWindowDays: 90, checkIntervalDays: 90, evidenceIntervalDays: 90 };
const CUSTODIANS = ['Carol Example', 'Dan Example'];

describe('the device reachable by everyone who may need it', () => {
  it('passes when each place holding a key has two named people and every custodian reaches a key of every account', () => {
    const accounts = [account(1, key('YK-01', 'HQ safe A')), account(2, key('YK-02', 'DR safe B'))];
    const r = deviceReachableRule(accounts, lists(list('HQ safe A', ['Carol Example', 'dan example']), list('DR safe B', ['Dan Example', 'Carol Example', 'Erin Example'])), CUSTODIANS);
    expect(r).toMatchObject({ result: 'pass', judged: ['HQ safe A', 'DR safe B', 'bg1@contoso.onmicrosoft.com', 'bg2@contoso.onmicrosoft.com'] });
    expect(r.evidence).toContain('HQ safe A (YK-01): Carol Example, dan example; DR safe B (YK-02): Dan Example, Carol Example, Erin Example');
  });

  it('fails a place nobody is recorded for, a place only one person can open, and a custodian cut off from an account', () => {
    const accounts = [account(1, key('YK-01', 'HQ safe A')), account(2, key('YK-02', 'DR safe B'))];
    expect(deviceReachableRule(accounts, lists(list('HQ safe A', ['Carol Example', 'Dan Example'])), CUSTODIANS)).toMatchObject({ result: 'fail', evidence: expect.stringContaining('nobody is recorded with access to DR safe B') });
    const one = deviceReachableRule(accounts, lists(list('HQ safe A', ['Carol Example', 'Dan Example']), list('DR safe B', ['Dan Example'])), CUSTODIANS);
    expect(one.evidence).toContain('only Dan Example can open DR safe B: name at least 2 people with access');
    expect(one.evidence).toContain('Carol Example has access to no place holding a key of bg2@contoso.onmicrosoft.com (DR safe B)');
  });

  it('does not count a lost key, and fails an account whose keys are kept nowhere recorded', () => {
    const accounts = [account(1, key('YK-01', 'HQ safe A', { lost: true }), key('YK-03', 'DR safe B')), account(2, key('YK-02', null))];
    const r = deviceReachableRule(accounts, lists(list('HQ safe A', CUSTODIANS), list('DR safe B', ['Erin Example', 'Frank Example'])), CUSTODIANS);
    expect(r.result).toBe('fail');
    expect(r.evidence).toContain('Carol Example, Dan Example have access to no place holding a key of bg1@contoso.onmicrosoft.com (DR safe B)');
    expect(r.evidence).toContain('bg2@contoso.onmicrosoft.com: no working key is kept at a recorded place');
    expect(deviceReachableRule([account(1)], lists(), CUSTODIANS).result).toBe('unknown');
  });

  it('is stale, naming the place, once its list is older than the evidence interval', () => {
    const attested = { ...NOTHING_ATTESTED, accessLists: lists(list('HQ safe A', CUSTODIANS, '2026-08-01T09:00:00.000Z')), custodians: CUSTODIANS };
    const r = judgePosture([account(1, key('YK-01', 'HQ safe A'))], org, NOW, undefined, null, attested).find((x) => x.id === 'device-reachable')!;
    expect(r).toMatchObject({ result: 'stale', evidence: expect.stringContaining('STALE: access list of HQ safe A of 2026-08-01 older than the 90-day evidence interval'), guidance: expect.stringContaining('accessible to all administrators') });
  });

  it('keeps the newest list of each place from the ledger, and says who was added and removed', () => {
    const entry = (seq: number, placeId: number, people: string[]) => ({ seq, kind: 'posture.place_access', recordedAt: `2026-11-2${seq}T09:00:00.000Z`, payload: { placeId, place: `P${placeId}`, people }, actors: [{ name: 'operator' }] });
    const latest = latestAccessLists([entry(1, 1, ['A', 'B']), entry(2, 2, ['C']), entry(3, 1, ['B', 'D'])]);
    expect([...latest.values()].map((l) => [l.place, l.people, l.seq])).toEqual([['P1', ['B', 'D'], 3], ['P2', ['C'], 2]]);
    expect(accessChanges(['Alice', 'Bob'], ['bob', 'Carol'])).toEqual({ added: ['Carol'], removed: ['Alice'] });
    expect(summariseEntry({ kind: 'posture.place_access', actors: [], payload: { place: 'HQ safe A', people: ['Bob', 'Carol'], added: ['Carol'], removed: ['Alice'] } })).toBe('Access to HQ safe A recorded: Bob, Carol; added Carol; REMOVED Alice');
  });
});
