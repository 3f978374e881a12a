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
import { recordAccountFacts } from './posture';
import { ACCOUNT_1 } from '../../test/support/session';

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
});
