import { describe, expect, it } from 'vitest';
import { judgePosture, type AccountFacts, type AttestedEvidence, type OrganisationFacts } from './posture';

const NOW = new Date('2026-11-25T09:00:00Z');
const good = (n: number, mechanism: string): AccountFacts => ({
  upn: `bg${n}@contoso.onmicrosoft.com`,
  objectId: `00000000-0000-0000-0000-00000000000${n}`,
  cloudOnly: 'yes',
  globalAdmin: 'permanent',
  excludedFromAllConditionalAccess: n === 1 ? 'yes' : 'no',
  phoneMfa: 'no',
  perUserMfa: 'no',
  personalMethods: 'no',
  mechanism,
  authenticators: [{ label: `YK-0${n}`, kind: 'fido2', place: 'HQ safe A', expiresAt: null, aaguid: n === 1 ? 'fa2b99dc-9e39-4257-8f92-4a30d23c4118' : 'ee882879-721c-4913-9775-3dfcce97072a' }],
  factsSource: { file: 'facts recorded by hand', seq: 9, recordedAt: '2026-11-20T09:00:00.000Z' },
});
const org: OrganisationFacts = { adminMechanism: 'Authenticator app', signInMonitoring: 'yes', caStance: 'exclude', expiryWindowDays: 90, checkIntervalDays: 90, evidenceIntervalDays: 90 };
/** Both accounts attested out of every cleanup, and HQ safe A open to both custodians. */
const attested: AttestedEvidence = {
  cleanup: [1, 2].map((n) => ({ seq: 10 + n, recordedAt: '2026-11-21T09:00:00.000Z', validationSeq: 10, upn: `bg${n}@contoso.onmicrosoft.com`, objectId: `00000000-0000-0000-0000-00000000000${n}`, policies: ['Inactive users cleanup'], noCleanupInTenant: false, by: 'Carol Example', drill: false })),
  accessLists: new Map([['HQ safe A', { placeId: 1, place: 'HQ safe A', people: ['Carol Example', 'Dan Example'], seq: 8, recordedAt: '2026-11-20T09:00:00.000Z', by: 'operator' }]]),
  custodians: ['Carol Example', 'Dan Example'],
};
const byId = (rules: ReturnType<typeof judgePosture>) => Object.fromEntries(rules.map((r) => [r.id, r.result]));

describe('the guidance as rules', () => {
  it('passes every rule that typed facts can answer for two well-kept accounts; the rules only exports answer stay unknown', () => {
    const rules = judgePosture([good(1, 'FIDO2 key'), good(2, 'Certificate on smartcard')], org, NOW, undefined, null, attested);
    const results = byId(rules);
    const exportsOnly = ['accounts-enabled', 'keys-in-custody', 'distinct-mechanism', 'ga-count', 'fido2-policy'];
    for (const [id, result] of Object.entries(results)) expect(result, id).toBe(exportsOnly.includes(id) ? 'unknown' : 'pass');
    expect(rules.find((r) => r.id === 'two-accounts')!.guidance).toMatch(/create two or more emergency access accounts/);
    expect(rules.find((r) => r.id === 'cloud-only')).toMatchObject({ evidence: expect.stringMatching(/cloud-only \(recorded by hand\).*\[from facts recorded by hand, 2026-11-20, entry 9\]/), sources: [{ seq: 9 }] });
    expect(rules).toHaveLength(16);
  });

  it('is stale, never a pass, when the facts it rests on are older than the evidence interval', () => {
    const later = new Date('2027-03-01T09:00:00Z');
    const rule = judgePosture([good(1, 'x'), good(2, 'y')], org, later).find((r) => r.id === 'ga-permanent')!;
    expect(rule).toMatchObject({ result: 'stale', evidence: expect.stringContaining('STALE: facts recorded by hand of 2026-11-20 older than the 90-day evidence interval') });
    expect(judgePosture([good(1, 'x'), good(2, 'y')], { ...org, evidenceIntervalDays: 365 }, later).find((r) => r.id === 'ga-permanent')!.result).toBe('pass');
    // A failure stays a failure however old.
    expect(judgePosture([{ ...good(1, 'x'), globalAdmin: 'eligible' }, good(2, 'y')], org, later).find((r) => r.id === 'ga-permanent')!.result).toBe('fail');
  });

  it('fails the not-personal rule while an item is out beyond its expected return', () => {
    const out = { custodian: 'Alice Example', since: '2026-09-26T09:00:00Z', expectedReturn: '2026-09-26T17:00:00Z' };
    const accounts = [{ ...good(1, 'x'), authenticators: [{ ...good(1, 'x').authenticators[0]!, out }] }, good(2, 'y')];
    expect(judgePosture(accounts, org, NOW).find((r) => r.id === 'not-personal')).toMatchObject({ result: 'fail', evidence: expect.stringContaining('YK-01 OUT with Alice Example since 2026-09-26, due back 2026-09-26 17:00 UTC') });
  });

  it.each([
    ['two-accounts', (a: AccountFacts[]) => [a[0]!], {}],
    ['cloud-only', (a: AccountFacts[]) => [{ ...a[0]!, cloudOnly: 'no' as const }, a[1]!], {}],
    ['cloud-only', (a: AccountFacts[]) => [{ ...a[0]!, upn: 'bg1@contoso.com' }, a[1]!], {}],
    ['not-personal', (a: AccountFacts[]) => [{ ...a[0]!, personalMethods: 'yes' as const }, a[1]!], {}],
    ['not-personal', (a: AccountFacts[]) => [{ ...a[0]!, authenticators: [{ label: 'YK-01', kind: 'fido2' as const, place: null, expiresAt: null }] }, a[1]!], {}],
    ['distinct-mechanism', (a: AccountFacts[]) => [a[0]!, { ...a[1]!, authenticators: a[0]!.authenticators }], {}],
    ['no-expiry', (a: AccountFacts[]) => [{ ...a[0]!, authenticators: [{ label: 'SC-01', kind: 'smartcard' as const, place: 'HQ', expiresAt: '2026-11-01T00:00:00Z' }] }, a[1]!], {}],
    ['ga-permanent', (a: AccountFacts[]) => [{ ...a[0]!, globalAdmin: 'eligible' as const }, a[1]!], {}],
    ['ca-excluded', (a: AccountFacts[]) => [{ ...a[0]!, excludedFromAllConditionalAccess: 'no' as const }, a[1]!], {}],
    ['no-phone-mfa', (a: AccountFacts[]) => a.map((x) => ({ ...x, phoneMfa: 'yes' as const })), {}],
    ['no-per-user-mfa', (a: AccountFacts[]) => [a[0]!, { ...a[1]!, perUserMfa: 'yes' as const }], {}],
    ['monitoring', (a: AccountFacts[]) => a, { signInMonitoring: 'no' as const }],
  ])('fails %s on data that breaks it', (id, accounts, orgChange) => {
    const rules = judgePosture(accounts([good(1, 'FIDO2 key'), good(2, 'Certificate on smartcard')]), { ...org, ...orgChange }, NOW);
    expect(byId(rules)[id]).toBe('fail');
  });

  it('says unknown, not pass, where nothing was recorded', () => {
    const blank: AccountFacts = { ...good(1, ''), cloudOnly: 'unknown', globalAdmin: 'unknown', excludedFromAllConditionalAccess: 'unknown', phoneMfa: 'unknown', perUserMfa: 'unknown', personalMethods: 'unknown' };
    const rules = byId(judgePosture([blank, { ...blank, upn: 'bg2@contoso.onmicrosoft.com', authenticators: good(2, '').authenticators }], { adminMechanism: '', signInMonitoring: 'unknown', caStance: 'exclude', expiryWindowDays: 90, checkIntervalDays: 90, evidenceIntervalDays: 90 }, NOW));
    expect(rules).toMatchObject({ 'cloud-only': 'unknown', 'ga-permanent': 'unknown', 'ca-excluded': 'unknown', 'no-phone-mfa': 'unknown', 'no-per-user-mfa': 'unknown', 'distinct-mechanism': 'unknown', monitoring: 'unknown', 'not-personal': 'unknown' });
    expect(byId(judgePosture([{ ...good(1, 'x'), authenticators: [{ label: 'SC-1', kind: 'smartcard', place: 'HQ', expiresAt: null }] }], org, NOW))['no-expiry']).toBe('unknown');
  });

  it('warns of a certificate expiring within the window, fails an expired one, and follows the recorded window', () => {
    const card = (expiresAt: string) => [{ ...good(1, 'x'), authenticators: [{ label: 'SC-1', kind: 'smartcard' as const, place: 'HQ', expiresAt }] }];
    const noExpiry = (accounts: AccountFacts[], o = org) => judgePosture(accounts, o, NOW).find((r) => r.id === 'no-expiry')!;
    expect(noExpiry(card('2027-01-10T00:00:00Z'))).toMatchObject({ result: 'warn', evidence: expect.stringContaining('SC-1 expires 2027-01-10 (in 45 day(s), within the 90-day window)') });
    expect(noExpiry(card('2027-06-10T00:00:00Z')).result).toBe('pass');
    expect(noExpiry(card('2027-06-10T00:00:00Z'), { ...org, expiryWindowDays: 365 }).result).toBe('warn');
    expect(noExpiry(card('2026-11-25T08:59:59Z'))).toMatchObject({ result: 'fail', evidence: expect.stringContaining('SC-1 EXPIRED 2026-11-25') });
  });

  it('judges Conditional Access by the stance the organisation recorded', () => {
    const accounts = [{ ...good(1, 'FIDO2 key'), excludedFromAllConditionalAccess: 'no' as const }, good(2, 'Certificate on smartcard')].map((a) => ({ ...a, excludedFromAllConditionalAccess: 'no' as const }));
    expect(byId(judgePosture(accounts, org, NOW))['ca-excluded']).toBe('fail');
    // Free text never passes the phishing-resistant stance: only the imported policies can.
    const rule = judgePosture(accounts, { ...org, caStance: 'phishing-resistant' }, NOW).find((r) => r.id === 'ca-excluded')!;
    expect(rule).toMatchObject({ result: 'unknown', title: expect.stringContaining('phishing-resistant'), evidence: expect.stringContaining('not imported') });
  });
});
