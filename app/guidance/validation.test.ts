import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { appendEntry } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { enrolCustodianKey } from '../custody/custodian-keys';
import { drillKeySource } from '../presence/key-sources';
import { verifyStoredLedger } from '../ledger/ledger';
import { timestamp } from '../ports';
import { attestStep, completeValidation, readValidation, recordSubscriptionChange, startValidation } from './validation';

describe('the validation cycle', () => {
  let s: ReturnType<typeof openTestSession>;
  const keys = () => drillKeySource(s.db, { store: 'custodians' });
  beforeEach(async () => {
    s = openTestSession();
    await enrolCustodianKey(s, keys(), { name: 'Alice Example' });
  });
  afterEach(() => s.close());

  const proveTwoPaths = (verdict: string) => appendEntry(s.db, { kind: 'netpath.proved', actors: [s.actor], payload: { verdict, summary: 'test' } }, timestamp(s.clock));
  const checkKeys = () => appendEntry(s.db, { kind: 'presence.checked', actors: [s.actor], payload: { result: 'ok' } }, timestamp(s.clock));

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
});
