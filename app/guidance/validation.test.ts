import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { appendEntry } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { custodiansOf } from '../../test/support/circle';
import { drillKeySource } from '../presence/key-sources';
import { verifyStoredLedger } from '../ledger/ledger';
import { timestamp } from '../ports';
import { attestStep, completeValidation, readValidation, recordSubscriptionChange, startValidation } from './validation';
import { addAccount, addPlace } from '../inventory/inventory';
import { enrolKey } from '../presence/enrolment';
import type { KeySource } from '../presence/key-sources';
import { assessPosture, recordAccountFacts } from './posture';
import { recordPlaceAccess } from './place-access';
import { ACCOUNT_1, ACCOUNT_2 } from '../../test/support/session';

describe('the validation cycle', () => {
  let s: ReturnType<typeof openTestSession>;
  const keys = () => drillKeySource(s.db, { store: 'custodians' });
  let keyId: number;
  beforeEach(async () => {
    s = openTestSession();
    await custodiansOf(s, keys(), ['Alice Example', 'Bob Example']);
    addAccount(s, ACCOUNT_1);
    addPlace(s, { name: 'HQ safe A' });
    // A software key standing in for a real one: the item is recorded as real, not a drill.
    const realKey: KeySource = { simulated: false, open: (target) => drillKeySource(s.db).open(target) };
    keyId = (await enrolKey(s, realKey, { label: 'YK-01', account: ACCOUNT_1.upn, place: 'HQ safe A' })).id;
  });
  afterEach(() => s.close());

  const proveTwoPaths = (verdict: string, target = 'login.microsoftonline.com:443') =>
    appendEntry(s.db, { kind: 'netpath.proved', actors: [s.actor], payload: { verdict, summary: 'test', targets: [target] } }, timestamp(s.clock));
  const checkKeys = (result = 'ok', drill = false) => appendEntry(s.db, { kind: 'presence.checked', actors: [s.actor], payload: { authenticatorId: keyId, label: 'YK-01', result, drill } }, timestamp(s.clock));
  const attestTwoPaths = () => attestStep(s, keys(), { step: 'two-paths', custodian: 'Alice Example' });

  it('is due before any validation, and completes only when every step is attested or waived by a key touch', async () => {
    expect(readValidation(s)).toMatchObject({ due: true, reasons: expect.arrayContaining(['no validation has been completed yet']) });
    startValidation(s);
    expect(() => startValidation(s)).toThrow(/already under way/);
    for (const step of ['monitoring-informed', 'process-documented', 'people-trained', 'credentials-tested']) await attestStep(s, keys(), { step, custodian: 'Alice Example', note: 'done' });
    await expect(attestStep(s, keys(), { step: 'monitoring-informed', custodian: 'Alice Example' })).rejects.toThrow(/already done/);
    expect(() => completeValidation(s)).toThrow(/still open: no-personal-mfa, two-paths/);
    await attestStep(s, keys(), { step: 'no-personal-mfa', custodian: 'Alice Example', reason: 'checked in Entra' }, true);
    // The two-paths step rests on evidence: a network proof that is met, and a presence check.
    proveTwoPaths('not_met');
    checkKeys();
    await expect(attestStep(s, keys(), { step: 'two-paths', custodian: 'Alice Example' })).rejects.toThrow(/latest network path proof \(entry \d+\) is "not_met"/);
    const proof = proveTwoPaths('met');
    await attestStep(s, keys(), { step: 'two-paths', custodian: 'Alice Example' });
    const attested = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'validation.attested' ORDER BY seq DESC LIMIT 1").pluck().get() as string);
    expect(attested).toMatchObject({ payload: { step: 'two-paths', networkProofSeq: proof.seq }, approvals: [expect.objectContaining({ role: 'custodian' })] });
    expect(() => completeValidation(s)).toThrow(/still open: cleanup-excluded, device-accessible/);
    await attestStep(s, keys(), { step: 'cleanup-excluded', custodian: 'Alice Example', account: ACCOUNT_1.upn, policies: ['Lifecycle workflow: inactive users'] });
    recordPlaceAccess(s, { place: 'HQ safe A', people: ['Alice Example', 'Bob Example'] });
    await attestStep(s, keys(), { step: 'device-accessible', custodian: 'Alice Example', note: 'lists reviewed' });
    const state = completeValidation(s);
    expect(state).toMatchObject({ current: null, due: false, daysRemaining: 89 });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('falls due again at once when the subscriptions change, and refuses a waiver without a reason', async () => {
    startValidation(s);
    const head = readHead(s.db);
    await expect(attestStep(s, keys(), { step: 'people-trained', custodian: 'Alice Example' }, true)).rejects.toThrow(/reason is required/);
    await expect(attestStep(s, keys(), { step: 'coffee', custodian: 'Alice Example' })).rejects.toThrow(/step must be one of/);
    expect(readHead(s.db)).toEqual(head);
    recordSubscriptionChange(s, { note: 'new E5 subscription' });
    expect(readValidation(s).reasons).toEqual(expect.arrayContaining([expect.stringMatching(/the Entra subscriptions changed \(new E5 subscription\)/)]));
  });

  it('refuses stale, drill and test-host evidence for the two-paths step, and names what is missing', async () => {
    // Evidence from before the cycle began belongs to the previous one.
    proveTwoPaths('met');
    checkKeys();
    startValidation(s);
    await expect(attestTwoPaths()).rejects.toThrow(/no network path proof since this validation started on \d{4}-\d\d-\d\d \(the last, entry \d+, is from/);
    proveTwoPaths('met', 'login.example.test:443');
    await expect(attestTwoPaths()).rejects.toThrow(/reached login\.example\.test:443, not Entra ID's sign-in endpoint/);
    const proof = proveTwoPaths('met');
    await expect(attestTwoPaths()).rejects.toThrow(/YK-01 has not been presence-checked \(not as a drill\) since this validation started/);
    checkKeys('ok', true);
    await expect(attestTwoPaths()).rejects.toThrow(/YK-01 has not been presence-checked \(not as a drill\)/);
    checkKeys('anomaly');
    await expect(attestTwoPaths()).rejects.toThrow(/YK-01's latest presence check \(entry \d+\) was ANOMALY/);
    const check = checkKeys('ok');
    await attestTwoPaths();
    const attested = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'validation.attested' ORDER BY seq DESC LIMIT 1").pluck().get() as string);
    expect(attested.payload).toMatchObject({ networkProofSeq: proof.seq, presenceCheckSeqs: [check.seq] });
  });

  it('refuses to attest "no personal MFA" while an account is tied to a person, but takes a waiver with its reason', async () => {
    recordAccountFacts(s, { upn: ACCOUNT_1.upn, personalMethods: 'yes' });
    startValidation(s);
    await expect(attestStep(s, keys(), { step: 'no-personal-mfa', custodian: 'Alice Example' })).rejects.toThrow(/posture rule "Not tied to an individual.*" fails/);
    await attestStep(s, keys(), { step: 'no-personal-mfa', custodian: 'Alice Example', reason: 'INC-9: phone removed next week' }, true);
    expect(readValidation(s).current!.steps.find((step) => step.id === 'no-personal-mfa')).toMatchObject({ status: 'waived' });
  });

  it('takes the cleanup step account by account, each naming the cleanups it is excluded from; posture follows, and a drill key is never evidence', async () => {
    addAccount(s, ACCOUNT_2);
    startValidation(s);
    const head = readHead(s.db);
    const cleanup = (input: Record<string, unknown>) => attestStep(s, keys(), { step: 'cleanup-excluded', custodian: 'Alice Example', ...input });
    await expect(cleanup({ account: ACCOUNT_1.upn })).rejects.toMatchObject({ field: 'policies', message: expect.stringMatching(/name each automated cleanup bg1@contoso\.onmicrosoft\.com is excluded from/) });
    await expect(cleanup({ account: 'bg9@contoso.onmicrosoft.com', policies: ['X'] })).rejects.toThrow(/no emergency account bg9@contoso\.onmicrosoft\.com/);
    await expect(cleanup({ policies: ['X'] })).rejects.toMatchObject({ field: 'account' });
    await expect(cleanup({ account: ACCOUNT_1.upn, policies: ['X', 'x'] })).rejects.toThrow(/"x" is named twice/);
    await expect(cleanup({ account: ACCOUNT_1.upn, policies: ['X'], noCleanupInTenant: true })).rejects.toThrow(/not both/);
    await expect(cleanup({ account: ACCOUNT_1.upn, policies: ['x'.repeat(201)] })).rejects.toThrow(/policies\[1\] is 201 characters long/);
    await expect(attestStep(s, keys(), { step: 'people-trained', custodian: 'Alice Example', account: ACCOUNT_1.upn })).rejects.toThrow(/account goes only with attesting the cleanup-excluded step/);
    await expect(attestStep(s, keys(), { step: 'cleanup-excluded', custodian: 'Alice Example', reason: 'r', account: ACCOUNT_1.upn }, true)).rejects.toThrow(/not with a waiver/);
    expect(readHead(s.db)).toEqual(head);

    await cleanup({ account: ACCOUNT_1.upn, policies: ['Lifecycle workflow: inactive users', 'Access review: Global Administrators'] });
    expect(readValidation(s).current!.steps.find((step) => step.id === 'cleanup-excluded')).toMatchObject({ status: 'open', pending: [ACCOUNT_2.upn], accounts: [{ upn: ACCOUNT_1.upn, by: 'Alice Example' }] });
    await cleanup({ account: ACCOUNT_2.upn, noCleanupInTenant: true });
    expect(readValidation(s).current!.steps.find((step) => step.id === 'cleanup-excluded')).toMatchObject({ status: 'attested', pending: [] });
    await expect(cleanup({ account: ACCOUNT_2.upn, policies: ['X'] })).rejects.toThrow(/already done/);
    // Custodians here attest with drill keys: the step is done, but posture still fails, naming each account.
    expect(assessPosture(s).find((r) => r.id === 'no-cleanup-scope')).toMatchObject({ result: 'fail', evidence: expect.stringContaining(`${ACCOUNT_2.upn}: NOT ATTESTED (only with a drill key`) });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('refuses the review of who can open each place while a key is out of reach, and records the lists reviewed', async () => {
    startValidation(s);
    await expect(attestStep(s, keys(), { step: 'device-accessible', custodian: 'Alice Example' })).rejects.toThrow(/"Every account's key within reach.*" fails \(.*nobody is recorded with access to HQ safe A/);
    recordPlaceAccess(s, { place: 'HQ safe A', people: ['Alice Example'] });
    await expect(attestStep(s, keys(), { step: 'device-accessible', custodian: 'Alice Example' })).rejects.toThrow(/only Alice Example can open HQ safe A/);
    const list = recordPlaceAccess(s, { place: 'HQ safe A', people: ['Alice Example', 'Bob Example'] });
    await attestStep(s, keys(), { step: 'device-accessible', custodian: 'Bob Example' });
    const attested = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'validation.attested' ORDER BY seq DESC LIMIT 1").pluck().get() as string);
    expect(attested.payload).toMatchObject({ step: 'device-accessible', by: 'Bob Example', accessLists: [{ place: 'HQ safe A', people: ['Alice Example', 'Bob Example'], seq: list.seq }] });
  });
});
