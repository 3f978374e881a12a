import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../db/ledger';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { findFidoCredential } from '../../db/fido-credentials';
import type { SoftwareAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import type { Misbehaviour } from '../../native/authenticator/software-authenticator';
import { openTestSession } from '../../test/support/session';
import { enrolKey, type EnrolmentStep } from './enrolment';
import { addPlace } from '../inventory/inventory';
import { drillKeySource, hidKeySource, type KeySource } from './key-sources';
import { runPresenceCheck, type CheckProgress } from './presence-check';

type TestSession = ReturnType<typeof openTestSession>;

describe('enrolment and presence checks with drill keys', () => {
  let s: TestSession;
  let drill: KeySource;
  beforeEach(() => {
    s = openTestSession();
    drill = drillKeySource(s.db);
    addPlace(s, { name: 'HQ safe A' });
  });
  afterEach(() => s.close());

  const editDrillKey = (id: number, edit: (state: SoftwareAuthenticatorState) => void) => {
    const state = loadDrillKey(s.db, id) as SoftwareAuthenticatorState;
    edit(state);
    saveDrillKey(s.db, id, state);
  };
  const lastEntry = () => JSON.parse(s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string) as { kind: string; payload: Record<string, unknown> };

  it('enrols a key with a credential under Keyward\'s RP ID, verified as a relying party would', async () => {
    const steps: EnrolmentStep[] = [];
    const key = await enrolKey(s, drill, { label: 'YK-01', place: 'HQ safe A' }, (step) => steps.push(step));
    expect(key).toMatchObject({ label: 'YK-01', kind: 'fido2', enrolled: true, simulated: true, model: 'Keyward drill key (software)', placeName: 'HQ safe A' });
    expect(steps).toEqual(['connecting', 'reading', 'verifying', 'saved']);
    const credential = findFidoCredential(s.db, key.id)!;
    expect(credential).toMatchObject({ rpId: 'keyward.invalid', aaguid: '4b657977-6172-6420-6472-696c6c6b6579' });
    expect(credential.known).toMatchObject({ signCount: 1, pinRetries: 8, versions: ['FIDO_2_0', 'FIDO_2_1'] });
    expect(lastEntry()).toMatchObject({ kind: 'authenticator.enrolled', payload: { label: 'YK-01', rpId: 'keyward.invalid', credentialId: credential.credentialId, drill: true } });
    await expect(enrolKey(s, drill, { label: 'yk-01' })).rejects.toMatchObject({ code: 'conflict', field: 'label' });
  });

  it('finds a key that is present and unchanged OK, and records the check', async () => {
    const key = await enrolKey(s, drill, { label: 'YK-01' });
    const progress: CheckProgress[] = [];
    const [result] = await runPresenceCheck(s, drill, {}, (p) => progress.push(p));
    expect(result).toMatchObject({ label: 'YK-01', result: 'ok', findings: [], drill: true });
    expect(progress.map((p) => p.step)).toEqual(['connecting', 'reading', 'verifying', 'done']);
    expect(progress[0]).toMatchObject({ index: 1, total: 1, label: 'YK-01' });
    expect(findFidoCredential(s.db, key.id)).toMatchObject({ lastResult: 'ok', known: { signCount: 2 } });
    expect(lastEntry()).toMatchObject({ kind: 'presence.checked', payload: { result: 'ok', drill: true, before: { signCount: 1 }, after: { signCount: 2 } } });
    // A second check compares against the first one's state.
    expect((await runPresenceCheck(s, drill))[0]!.result).toBe('ok');
  });

  it.each([
    ['PIN retries dropped', (st: SoftwareAuthenticatorState) => (st.pinRetries = 5), ['pin_retries_dropped']],
    ['unlogged use of the key', (st: SoftwareAuthenticatorState) => (st.signCount += 4), ['counter_unexplained']],
    ['a counter that went back (a different key)', (st: SoftwareAuthenticatorState) => (st.signCount = 0), ['counter_went_back']],
    ['changed firmware', (st: SoftwareAuthenticatorState) => (st.firmwareVersion = 0x050402), ['getinfo_changed']],
    ['a PIN that was removed', (st: SoftwareAuthenticatorState) => (st.pinSet = false), ['getinfo_changed']],
    ['the enrolled credential gone (another key)', (st: SoftwareAuthenticatorState) => (st.credentials = []), ['credential_missing']],
  ])('flags %s as an anomaly, in the ledger too', async (_name, edit, codes) => {
    const key = await enrolKey(s, drill, { label: 'YK-01' });
    editDrillKey(key.id, edit);
    const [result] = await runPresenceCheck(s, drill);
    expect(result!.result).toBe('anomaly');
    expect(result!.findings.map((f) => f.code)).toEqual(codes);
    expect(lastEntry().payload).toMatchObject({ result: 'anomaly', findings: codes.map((code) => expect.objectContaining({ code, text: expect.any(String) })) });
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('keeps the fingerprint retry counter of a key with built-in UV, and flags a drop as an anomaly', async () => {
    // A new drill key gets a fingerprint sensor (3 tries left) before it is enrolled.
    const bio = drillKeySource(s.db, { prepare: (key) => void (key.state.uvRetries ??= 3) });
    const key = await enrolKey(s, bio, { label: 'YK-BIO' });
    expect(findFidoCredential(s.db, key.id)!.known).toMatchObject({ uvRetries: 3, options: { uv: true } });
    expect(lastEntry()).toMatchObject({ kind: 'authenticator.enrolled', payload: { uvRetries: 3 } });
    expect((await runPresenceCheck(s, bio))[0]!.result).toBe('ok');

    editDrillKey(key.id, (st) => (st.uvRetries = 1));
    const [result] = await runPresenceCheck(s, bio);
    expect(result!.result).toBe('anomaly');
    expect(result!.findings).toEqual([{ code: 'uv_retries_dropped', before: 3, after: 1 }]);
    expect(lastEntry().payload).toMatchObject({ findings: [expect.objectContaining({ code: 'uv_retries_dropped', text: expect.stringMatching(/fingerprint retries dropped from 3 to 1/) })] });
    // A key without built-in UV has no such counter, stored or compared.
    const plain = await enrolKey(s, drill, { label: 'YK-02' });
    expect(findFidoCredential(s.db, plain.id)!.known).not.toHaveProperty('uvRetries');
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('flags a signature that does not verify against the enrolled public key', async () => {
    const first = await enrolKey(s, drill, { label: 'YK-01' });
    const second = await enrolKey(s, drill, { label: 'YK-02' });
    // Swap in another key's public key: the assertion can no longer verify.
    const foreign = findFidoCredential(s.db, second.id)!.publicKey;
    s.db.prepare('UPDATE fido_credentials SET public_key = ? WHERE authenticator_id = ?').run(foreign, first.id);
    const [result] = await runPresenceCheck(s, drill, { key: 'YK-01' });
    expect(result).toMatchObject({ result: 'anomaly', findings: [expect.objectContaining({ code: 'signature_invalid' })] });
  });

  it.each<[Misbehaviour]>([['unplug-mid-command'], ['garbage'], ['trailing-bytes']])('calls a key that answers with %s missing and goes on with the others', async (misbehaviour) => {
    const first = await enrolKey(s, drill, { label: 'YK-01' });
    await enrolKey(s, drill, { label: 'YK-02' });
    const firstCredential = findFidoCredential(s.db, first.id)!.credentialId;
    const misbehaving = drillKeySource(s.db, {
      prepare: (key) => {
        if (key.state.credentials.some((c) => c.id === firstCredential)) key.misbehaviour = misbehaviour;
      },
    });
    const results = await runPresenceCheck(s, misbehaving, { touchTimeoutMs: 500 });
    expect(results.map((r) => [r.label, r.result])).toEqual([
      ['YK-01', 'missing'],
      ['YK-02', 'ok'],
    ]);
    expect(results[0]!.findings[0]).toMatchObject({ code: 'no_answer' });
    expect(s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'presence.checked'").pluck().get()).toBe(2);
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('calls a real key missing when none is plugged in, and says which key to plug in', async () => {
    const key = await enrolKey(s, drill, { label: 'YK-01' });
    s.db.prepare('UPDATE authenticators SET simulated = 0 WHERE id = ?').run(key.id);
    const [result] = await runPresenceCheck(s, hidKeySource());
    expect(result).toMatchObject({ result: 'missing', drill: false, findings: [{ code: 'no_answer', detail: 'no FIDO key is plugged in: plug in the key labelled "YK-01"' }] });
  });

  it('refuses to check a key it does not know', async () => {
    await expect(runPresenceCheck(s, drill)).rejects.toMatchObject({ code: 'not_found', message: /no enrolled drill keys/ });
    await enrolKey(s, drill, { label: 'YK-01' });
    await expect(runPresenceCheck(s, drill, { key: 'YK-99' })).rejects.toMatchObject({ code: 'not_found', field: 'key' });
  });
});
