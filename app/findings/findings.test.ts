import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { findFidoCredential } from '../../db/fido-credentials';
import type { SoftwareAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { addAccount, addPlace } from '../inventory/inventory';
import { importSignIns } from '../guidance/signins';
import { recordAccountFacts } from '../guidance/posture';
import { tamper } from '../../test/support/tamper';
import { deactivateCustodian } from '../custody/circle';
import { custodiansOf } from '../../test/support/circle';
import { readStatus } from '../inventory/status';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { runPresenceCheck } from '../presence/presence-check';
import { judgeNow, listFindings } from './findings';
import { resolveFinding } from './resolve';

type TestSession = ReturnType<typeof openTestSession>;

/**
 * Software keys standing in for real hardware (this machine has none): the same CTAPHID frames
 * and CBOR as a key on the USB bus, with the items and custodians recorded as real, not drills.
 */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

describe('findings that stay open until two custodians resolve them', () => {
  let s: TestSession;
  let keys: KeySource;
  let custodianKeys: KeySource;
  beforeEach(async () => {
    s = openTestSession();
    keys = standInForHardware(drillKeySource(s.db));
    custodianKeys = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    addPlace(s, { name: 'HQ safe A' });
    await custodiansOf(s, custodianKeys, ['Alice Example', 'Bob Example', 'Carol Example']);
  });
  afterEach(() => s.close());

  const editKey = (id: number, edit: (state: SoftwareAuthenticatorState) => void) => {
    const state = loadDrillKey(s.db, id) as SoftwareAuthenticatorState;
    edit(state);
    saveDrillKey(s.db, id, state);
  };
  const anomalies = () => listFindings(s).filter((f) => f.kind === 'presence-anomaly');
  const head = () => s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();

  async function keyWithDroppedPinRetries() {
    const key = await enrolKey(s, keys, { label: 'YK-01', place: 'HQ safe A' });
    editKey(key.id, (st) => (st.pinRetries = 5));
    const [result] = await runPresenceCheck(s, keys);
    expect(result).toMatchObject({ result: 'anomaly', drill: false });
    return key;
  }

  it('keeps reporting an anomaly at every later check, and keeps the finding open, until it is resolved', async () => {
    const key = await keyWithDroppedPinRetries();
    // Known state is the last accepted one, so the next check sees the same drop.
    expect(findFidoCredential(s.db, key.id)!.known.pinRetries).toBe(8);
    const [again] = await runPresenceCheck(s, keys);
    expect(again!.findings.map((f) => f.code)).toEqual(['pin_retries_dropped']);
    expect(anomalies()).toHaveLength(1);
    expect(anomalies()[0]!.evidence).toHaveLength(2);
    const status = readStatus(s.db, s.clock.now());
    expect(status.findings).toMatchObject({ ledgerVerified: true, open: { critical: expect.any(Number) } });
    expect(status.findings.findings.find((f) => f.kind === 'presence-anomaly')).toMatchObject({ severity: 'critical', subject: { label: 'YK-01' } });
  });

  it('keeps reporting unlogged use of a key at the next check, against the last explained counter', async () => {
    const key = await enrolKey(s, keys, { label: 'YK-01', place: 'HQ safe A' });
    editKey(key.id, (st) => (st.signCount += 4));
    expect((await runPresenceCheck(s, keys))[0]!.findings.map((f) => f.code)).toEqual(['counter_unexplained']);
    expect((await runPresenceCheck(s, keys))[0]!.findings.map((f) => f.code)).toEqual(['counter_unexplained']);
    expect(anomalies()).toHaveLength(1);
  });

  it('accepting the new state changes what later checks compare with; the finding is resolved with who and why', async () => {
    const key = await keyWithDroppedPinRetries();
    const [finding] = anomalies();
    const steps: string[] = [];
    const { entry } = await resolveFinding(s, custodianKeys, { id: finding!.id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'INC-7: PIN tried by the vendor during repair', choice: 'accept-new-state' }, (st) => steps.push(`${st.role}:${st.step}`));
    expect(steps.filter((step) => step.endsWith(':approved'))).toEqual(['custodian:approved', 'witness:approved']);
    expect(entry.approvals).toHaveLength(2);
    expect(entry.payload).toMatchObject({ findingId: finding!.id, choice: 'accept-new-state', acceptedState: { pinRetries: 5 } });
    expect(findFidoCredential(s.db, key.id)!.known.pinRetries).toBe(5);
    expect(anomalies()).toEqual([]);
    expect(listFindings(s, { all: true }).find((f) => f.id === finding!.id)!.resolution).toMatchObject({ by: ['Alice Example', 'Bob Example'], reason: 'INC-7: PIN tried by the vendor during repair' });
    expect((await runPresenceCheck(s, keys))[0]!.result).toBe('ok');
    expect(judgeNow(s).verification.ok).toBe(true);
  });

  it('retiring the key takes it out of the checks', async () => {
    const key = await keyWithDroppedPinRetries();
    await resolveFinding(s, custodianKeys, { id: anomalies()[0]!.id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'replaced by YK-03', choice: 'retire' });
    expect(s.db.prepare('SELECT state FROM authenticators WHERE id = ?').pluck().get(key.id)).toBe('retired');
    await expect(runPresenceCheck(s, keys)).rejects.toMatchObject({ code: 'not_found' });
  });

  it.each([
    ['the same custodian twice', { custodian: 'Alice Example', witness: 'Alice Example', choice: 'retire' }, 'invalid_input', /two different custodians/],
    ['no choice for an anomaly', { custodian: 'Alice Example', witness: 'Bob Example' }, 'invalid_input', /accept-new-state or retire/],
    ['a choice the finding does not allow', { custodian: 'Alice Example', witness: 'Bob Example', choice: 'ignore' }, 'invalid_input', /not "ignore"/],
    ['an unknown custodian', { custodian: 'Mallory', witness: 'Bob Example', choice: 'retire' }, 'not_found', /no custodian named "Mallory"/],
    ['no reason', { custodian: 'Alice Example', witness: 'Bob Example', choice: 'retire', reason: '' }, 'invalid_input', /reason/],
  ])('refuses %s and writes nothing', async (_name, input, code, message) => {
    await keyWithDroppedPinRetries();
    const before = head();
    await expect(resolveFinding(s, custodianKeys, { id: anomalies()[0]!.id, reason: 'checked', ...input })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(head()).toBe(before);
    expect(anomalies()).toHaveLength(1);
  });

  it('refuses a deactivated custodian, and an unknown or already resolved finding', async () => {
    await keyWithDroppedPinRetries();
    const id = anomalies()[0]!.id;
    await deactivateCustodian(s, custodianKeys, { name: 'Carol Example', approvers: ['Alice Example', 'Bob Example'] });
    const before = head();
    await expect(resolveFinding(s, custodianKeys, { id, custodian: 'Carol Example', witness: 'Bob Example', reason: 'x', choice: 'retire' })).rejects.toMatchObject({ message: expect.stringMatching(/deactivated/) });
    await expect(resolveFinding(s, custodianKeys, { id: 'presence-anomaly:99:1', custodian: 'Alice Example', witness: 'Bob Example', reason: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    expect(head()).toBe(before);
    await resolveFinding(s, custodianKeys, { id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'x', choice: 'accept-new-state' });
    await expect(resolveFinding(s, custodianKeys, { id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'again', choice: 'accept-new-state' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already resolved/) });
  });

  it('refuses a signature by another custodian\'s key, and a replayed one, writing nothing', async () => {
    await keyWithDroppedPinRetries();
    const id = anomalies()[0]!.id;
    const before = head();
    // Bob's touch comes from a key that is not Bob's: it does not hold his credential.
    const impostor: KeySource = { simulated: false, open: (target) => (target.label.startsWith('Bob') ? custodianKeys.open({ label: 'a stranger' }) : custodianKeys.open(target)) };
    await expect(resolveFinding(s, impostor, { id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'x', choice: 'retire' })).rejects.toThrow(/credential|did not answer|not the key|no answer/i);
    // A key whose counter does not move on (a replayed or cloned assertion) is refused.
    const frozen = standInForHardware(drillKeySource(s.db, { store: 'custodians', prepare: (key) => (key.state.signCount = Math.max(0, key.state.signCount - 1)) }));
    await expect(resolveFinding(s, frozen, { id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'x', choice: 'retire' })).rejects.toThrow(/counter|replay|clone/i);
    expect(head()).toBe(before);
  });

  it('a resolution whose approvals were swapped in the file fails verification, and status says so', async () => {
    await keyWithDroppedPinRetries();
    await resolveFinding(s, custodianKeys, { id: anomalies()[0]!.id, custodian: 'Alice Example', witness: 'Bob Example', reason: 'x', choice: 'accept-new-state' });
    s.db.close();
    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, '\"reason\":\"x\"', '\"reason\":\"y\"') WHERE kind = 'finding.resolved'").run());
    const { initDatabase } = await import('../keyward');
    const reopened = { ...s, db: initDatabase(s.path, s.clock, s.actor).db };
    const status = readStatus(reopened.db, s.clock.now());
    expect(status.findings.ledgerVerified).toBe(false);
    expect(status.findings.findings[0]).toMatchObject({ kind: 'ledger-unverified', severity: 'critical' });
    reopened.db.close();
  });

  it('opens a critical finding for a sign-in outside any checkout, and two custodians resolve it with the incident ticket', async () => {
    addAccount(s, ACCOUNT_1);
    const path = join(s.dir, 'signins.json');
    writeFileSync(path, JSON.stringify({ value: [{ id: 'sig-1', createdDateTime: '2026-11-20T10:00:00Z', userId: ACCOUNT_1.objectId, userPrincipalName: ACCOUNT_1.upn, appDisplayName: 'Azure Portal', ipAddress: '198.51.100.7', status: { errorCode: 0 }, conditionalAccessStatus: 'notApplied' }] }));
    importSignIns(s, path);
    const incident = listFindings(s).find((f) => f.kind === 'signin-incident');
    expect(incident).toMatchObject({ id: 'signin-incident:sig-1', severity: 'critical', since: '2026-11-20T10:00:00.000Z', subject: { label: ACCOUNT_1.upn } });
    await resolveFinding(s, custodianKeys, { id: incident!.id, custodian: 'Bob Example', witness: 'Carol Example', reason: 'INC-4411: vendor test sign-in, approved by the CISO' });
    expect(listFindings(s).some((f) => f.kind === 'signin-incident')).toBe(false);
    expect(listFindings(s, { all: true }).find((f) => f.id === incident!.id)!.resolution).toMatchObject({ reason: 'INC-4411: vendor test sign-in, approved by the CISO', by: ['Bob Example', 'Carol Example'] });
  });

  it('judges posture: fewer than two accounts is critical, a failed rule names its evidence, and a condition cannot be signed away', async () => {
    const twoAccounts = listFindings(s).find((f) => f.id === 'posture-failed:two-accounts');
    expect(twoAccounts).toMatchObject({ severity: 'critical', closure: 'condition' });
    addAccount(s, ACCOUNT_1);
    recordAccountFacts(s, { upn: ACCOUNT_1.upn, cloudOnly: 'no' });
    expect(listFindings(s).find((f) => f.id === 'posture-failed:cloud-only')).toMatchObject({ severity: 'warning', detail: expect.stringContaining(ACCOUNT_1.upn) });
    await expect(resolveFinding(s, custodianKeys, { id: 'validation-due:never-completed', custodian: 'Alice Example', witness: 'Bob Example', reason: 'later' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/ends when a validation is completed/) });
    await expect(resolveFinding(s, custodianKeys, { id: 'posture-failed:cloud-only', custodian: 'Alice Example', witness: 'Bob Example', reason: 'accepted' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/a signature cannot make the guidance met/) });
  });

  it('opens a warning when an item\'s quarterly check falls due, as the clock passes it', async () => {
    await enrolKey(s, keys, { label: 'YK-01', place: 'HQ safe A' });
    const later = (days: number) => ({ ...s, clock: { now: () => new Date(Date.now() + days * 86_400_000), utcOffsetMinutes: () => 0 } });
    expect(listFindings(later(10)).filter((f) => f.subject.label === 'YK-01')).toEqual([]);
    expect(listFindings(later(80)).find((f) => f.subject.label === 'YK-01')).toMatchObject({ kind: 'presence-due', severity: 'warning' });
    expect(listFindings(later(100)).find((f) => f.subject.label === 'YK-01')).toMatchObject({ kind: 'presence-overdue', severity: 'warning' });
  });
});
