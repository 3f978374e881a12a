import { describe, expect, it } from 'vitest';
import { cleanupAttestations, cleanupScopeRule } from './cleanup-scope';
import { judgePosture, NOTHING_ATTESTED, type AccountFacts, type OrganisationFacts } from './posture';
import { validationState, type ValidationEvent } from './validation';

const NOW = new Date('2026-11-25T09:00:00Z');
const account = (n: number): AccountFacts => ({
  upn: `bg${n}@contoso.onmicrosoft.com`, objectId: `00000000-0000-0000-0000-00000000000${n}`, cloudOnly: 'yes', globalAdmin: 'permanent', excludedFromAllConditionalAccess: 'yes',
  phoneMfa: 'no', perUserMfa: 'no', personalMethods: 'no', mechanism: '', authenticators: [],
});
const org: OrganisationFacts = { adminMechanism: '', signInMonitoring: 'yes', caStance: 'exclude', expiryWindowDays: 90, checkIntervalDays: 90, evidenceIntervalDays: 90 };
const started = (seq: number, recordedAt = '2026-11-20T09:00:00.000Z'): ValidationEvent => ({ seq, kind: 'validation.started', recordedAt, payload: {} });
const attest = (seq: number, validationSeq: number, n: number, payload: Record<string, unknown> = {}, recordedAt = '2026-11-21T09:00:00.000Z'): ValidationEvent => ({
  seq, kind: 'validation.attested', recordedAt,
  payload: { validationSeq, step: 'cleanup-excluded', account: `bg${n}@contoso.onmicrosoft.com`, objectId: `00000000-0000-0000-0000-00000000000${n}`, policies: ['Lifecycle workflow: inactive users', 'Access review: privileged roles'], by: 'Carol Example', drill: false, ...payload },
});
const rule = (accounts: AccountFacts[], events: ValidationEvent[], now = NOW) =>
  judgePosture(accounts, org, now, undefined, null, { ...NOTHING_ATTESTED, cleanup: cleanupAttestations(events) }).find((r) => r.id === 'no-cleanup-scope')!;

describe('not in scope of automated cleanup, attested per account', () => {
  it('passes when every account is attested out of the cleanups it names, with who and when', () => {
    const r = rule([account(1), account(2)], [started(1), attest(2, 1, 1), attest(3, 1, 2, { policies: [], noCleanupInTenant: true })]);
    expect(r).toMatchObject({ result: 'pass', judged: ['bg1@contoso.onmicrosoft.com', 'bg2@contoso.onmicrosoft.com'], sources: [{ seq: 2 }, { seq: 3 }] });
    expect(r.evidence).toContain('bg1@contoso.onmicrosoft.com: excluded from "Lifecycle workflow: inactive users", "Access review: privileged roles" (attested by Carol Example, 2026-11-21)');
    expect(r.evidence).toContain('bg2@contoso.onmicrosoft.com: the tenant runs no automated cleanup for lack of use');
  });

  it('fails naming the account that was never attested, and counts a drill-key attestation as nothing', () => {
    const r = rule([account(1), account(2)], [started(1), attest(2, 1, 1), attest(3, 1, 2, { drill: true })]);
    expect(r.result).toBe('fail');
    expect(r.evidence).toMatch(/bg2@contoso\.onmicrosoft\.com: NOT ATTESTED \(only with a drill key, entry 3, which is never evidence\)/);
    expect(cleanupScopeRule([], []).result).toBe('unknown');
  });

  it('is stale, naming the account, once its attestation is older than the evidence interval', () => {
    const r = rule([account(1)], [started(1), attest(2, 1, 1)], new Date('2027-03-01T09:00:00Z'));
    expect(r).toMatchObject({ result: 'stale', evidence: expect.stringContaining('STALE: cleanup attestation for bg1@contoso.onmicrosoft.com by Carol Example of 2026-11-21 older than the 90-day evidence interval') });
  });

  it('leaves the validation step open until every account has an attestation in this cycle', () => {
    const accounts = [account(1), account(2)];
    const step = (events: ValidationEvent[]) => validationState(events, NOW, accounts).current!.steps.find((s) => s.id === 'cleanup-excluded')!;
    // An attestation from an earlier cycle does not count in this one.
    expect(step([started(1), attest(2, 1, 1), started(3), attest(4, 3, 2)])).toMatchObject({ status: 'open', pending: ['bg1@contoso.onmicrosoft.com'], accounts: [{ upn: 'bg2@contoso.onmicrosoft.com', seq: 4 }] });
    expect(step([started(3), attest(4, 3, 2), attest(5, 3, 1)])).toMatchObject({ status: 'attested', by: 'Carol Example', seq: 5, pending: [] });
    // With no account recorded there is nothing to attest: the step stays open (it can be waived).
    expect(validationState([started(1)], NOW).current!.steps.find((s) => s.id === 'cleanup-excluded')!.status).toBe('open');
  });
});
