import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAuthenticatorByLabel } from '../../db/authenticators';
import { loadDrillKey } from '../../db/drill-keys';
import { readHead, verifyLedger } from '../../db/ledger';
import { findSmartcard } from '../../db/smartcards';
import { SoftwarePivCard, newPivCardState, type PivCardMisbehaviour, type PivCardState } from '../../native/piv-card/software-piv-card';
import { openTestSession } from '../../test/support/session';
import { runCardCheck } from './card-check';
import { enrolCard, type CardEnrolmentStep } from './card-enrolment';
import { drillCardSource, type CardSource } from './card-sources';
import { runFullCheck } from '../presence/full-check';
import { addAccount, addPlace } from '../inventory/inventory';
import { drillKeySource } from '../presence/key-sources';
import { enrolKey } from '../presence/enrolment';
import { assessPosture } from '../guidance/posture';

type TestSession = ReturnType<typeof openTestSession>;
const UPN = 'bg1@contoso.onmicrosoft.com';
const NOW = new Date('2026-11-25T09:00:00Z');
const DAY = 86_400_000;

describe('smartcards: enrolment and presence checks with drill cards', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
    addPlace(s, { name: 'HQ safe A' });
    addAccount(s, { upn: UPN, objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', label: 'Break glass 1' });
  });
  afterEach(() => s.close());

  const lastEntry = () => JSON.parse(s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string) as { kind: string; payload: Record<string, unknown> };
  const cardOf = (label: string) => new SoftwarePivCard(loadDrillKey(s.db, findAuthenticatorByLabel(s.db, label)!.id) as PivCardState);
  /** A drill source whose reader for `label` holds something else. */
  const swapped = (label: string, replacement: () => SoftwarePivCard | undefined, removeAfter?: number): CardSource =>
    drillCardSource(s.db, {
      prepare: (readers) => {
        const reader = `Drill reader: ${label}`;
        const card = replacement();
        if (card) readers.insert(reader, card);
        else readers.remove(reader);
        if (removeAfter !== undefined) readers.removeAfter(reader, removeAfter);
      },
    });
  const stranger = (days: number, extra: Partial<Parameters<typeof newPivCardState>[0]> = {}, misbehaviour?: PivCardMisbehaviour) =>
    new SoftwarePivCard(newPivCardState({ holder: { commonName: 'Break Glass 1' }, upn: UPN, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + days * DAY), ...extra }), misbehaviour);
  /** A drill source offering one specific new card for enrolment. */
  const offering = (card: SoftwarePivCard): CardSource => drillCardSource(s.db, { prepare: (readers) => readers.insert('Drill reader: new card', card) });

  it('enrols a card: CHUID GUID, both certificates, proof of possession, bound to the account, recorded', async () => {
    const steps: CardEnrolmentStep[] = [];
    const { authenticator, warnings, reader } = await enrolCard(s, drillCardSource(s.db), { label: 'SC-01', account: UPN, place: 'HQ safe A' }, (step) => steps.push(step));
    expect(steps).toEqual(['looking', 'reading', 'proving', 'saved']);
    expect(reader).toBe('Drill reader: new card');
    expect(warnings).toEqual([]);
    expect(authenticator).toMatchObject({ kind: 'smartcard', label: 'SC-01', enrolled: true, simulated: true, model: 'PIV smartcard', accountUpn: UPN, placeName: 'HQ safe A' });
    expect(authenticator.expiresAt).toMatch(/^2027-11-25T09:00:0\d\.000Z$/);
    const record = findSmartcard(s.db, authenticator.id)!;
    expect(record.known.authentication.upns).toEqual([UPN]);
    expect(authenticator.serial).toBe(record.known.authentication.serial);
    expect(lastEntry()).toMatchObject({
      kind: 'smartcard.enrolled',
      payload: { label: 'SC-01', guid: record.guid, account: UPN, drill: true, authentication: { serial: record.known.authentication.serial, upns: [UPN] }, possession: { valid: true, algorithm: 'ECDSA P-256 SHA-256' } },
    });
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('warns when the certificate names another account, expires soon, or the card has no 9E key', async () => {
    const card = stranger(30, { upn: 'someone@contoso.com', cardAuthentication: false });
    const { warnings } = await enrolCard(s, offering(card), { label: 'SC-02', account: UPN });
    expect(warnings).toEqual([
      `the certificate is for someone@contoso.com, not for the account ${UPN}`,
      expect.stringMatching(/^the PIV Authentication certificate expires in 29 day\(s\)/),
      expect.stringMatching(/no Card Authentication key \(9E\)/),
    ]);
    expect(lastEntry().payload.warnings).toHaveLength(3);
  });

  it.each([
    ['garbage', /tag DE has a 45-byte length field/],
    ['truncated', /truncated answer/],
    ['short-object', /truncated answer/],
    ['corrupt-certificate', /not a valid X.509 certificate/],
    ['wrong-key', /does not verify with its own Card Authentication certificate/],
  ] as const)('refuses to enrol a card answering %s, and writes nothing', async (misbehaviour, message) => {
    const head = readHead(s.db);
    const error = await enrolCard(s, offering(stranger(400, {}, misbehaviour)), { label: 'SC-03' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'device', message: expect.stringMatching(message) });
    expect(readHead(s.db)).toEqual(head);
    expect(findAuthenticatorByLabel(s.db, 'SC-03')).toBeUndefined();
  });

  it('refuses a card that is already enrolled, and says which readers hold cards when it cannot choose', async () => {
    await enrolCard(s, drillCardSource(s.db), { label: 'SC-01' });
    const again = drillCardSource(s.db, { prepare: (readers) => readers.insert('Drill reader: new card', cardOf('SC-01')) });
    await expect(enrolCard(s, again, { label: 'SC-09', reader: 'Drill reader: new card' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('is already enrolled as "SC-01"') });
    const two = drillCardSource(s.db, { prepare: (readers) => readers.addReader('Reader B', stranger(400)) });
    await expect(enrolCard(s, two, { label: 'SC-09' })).rejects.toMatchObject({ code: 'invalid_input', field: 'reader', message: expect.stringContaining('2 readers hold a card') });
    await expect(enrolCard(s, drillCardSource(s.db), { label: 'SC-09', reader: 'nowhere' })).rejects.toMatchObject({ code: 'not_found', field: 'reader' });
  });

  it('finds an enrolled card present and the same: OK, with its proof in the ledger', async () => {
    await enrolCard(s, drillCardSource(s.db), { label: 'SC-01', account: UPN });
    const [result] = await runCardCheck(s, drillCardSource(s.db));
    expect(result).toMatchObject({ label: 'SC-01', result: 'ok', findings: [], drill: true, reader: 'Drill reader: SC-01' });
    expect(lastEntry()).toMatchObject({ kind: 'presence.checked', payload: { kind: 'smartcard', result: 'ok', possession: { valid: true, slot: '9E' }, drill: true } });
    expect(findAuthenticatorByLabel(s.db, 'SC-01')).toMatchObject({ lastResult: 'ok' });
  });

  it('finds a different card with the same label an anomaly', async () => {
    await enrolCard(s, drillCardSource(s.db), { label: 'SC-01', account: UPN });
    const other = stranger(400);
    const [result] = await runCardCheck(s, swapped('SC-01', () => other));
    expect(result!.result).toBe('anomaly');
    expect(result!.findings).toEqual([{ code: 'different_card', guid: other.state.guid, serial: expect.any(String) }]);
  });

  it('finds an expired certificate an anomaly and one expiring within the window a note', async () => {
    await enrolCard(s, offering(stranger(30)), { label: 'SC-SOON', account: UPN });
    await enrolCard(s, offering(stranger(400)), { label: 'SC-FINE' });
    const results = await runCardCheck(s, drillCardSource(s.db));
    expect(results.find((r) => r.label === 'SC-SOON')).toMatchObject({ result: 'ok', findings: [{ code: 'certificate_expiring', days: 29 }] });
    expect(results.find((r) => r.label === 'SC-FINE')).toMatchObject({ result: 'ok', findings: [] });
    // Drill cards are never posture evidence: the rule sees no bound credential at all.
    expect(assessPosture(s).find((r) => r.id === 'no-expiry')).toMatchObject({ result: 'unknown', evidence: 'no authenticator is bound to an account' });

    const later = { ...s, clock: { now: () => new Date(NOW.getTime() + 31 * DAY), utcOffsetMinutes: () => 0 } };
    const [expired] = await runCardCheck(later, drillCardSource(s.db), { card: 'SC-SOON' });
    expect(expired).toMatchObject({ result: 'anomaly', findings: [{ code: 'certificate_expired' }] });
    expect(assessPosture(later).find((r) => r.id === 'no-expiry')).toMatchObject({ result: 'unknown' });
  });

  it('records a card pulled out mid-read as missing, keeps what it knew, and goes on with the next card', async () => {
    const first = await enrolCard(s, drillCardSource(s.db), { label: 'SC-01' });
    await enrolCard(s, offering(stranger(400)), { label: 'SC-02' });
    const before = findSmartcard(s.db, first.authenticator.id);
    const results = await runCardCheck(s, swapped('SC-01', () => cardOf('SC-01'), 3));
    expect(results.map((r) => [r.label, r.result])).toEqual([['SC-01', 'missing'], ['SC-02', 'ok']]);
    expect(results[0]!.findings[0]).toMatchObject({ code: 'no_answer', detail: expect.stringContaining('the card was removed from the reader') });
    expect(findSmartcard(s.db, first.authenticator.id)).toEqual(before);
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('records garbage from a card as no answer, and a signature by another key as an anomaly', async () => {
    await enrolCard(s, drillCardSource(s.db), { label: 'SC-01' });
    const [garbage] = await runCardCheck(s, swapped('SC-01', () => new SoftwarePivCard(cardOf('SC-01').state, 'garbage')));
    expect(garbage).toMatchObject({ result: 'missing', findings: [{ code: 'no_answer', detail: expect.stringContaining('tag DE') }] });
    const [forged] = await runCardCheck(s, swapped('SC-01', () => new SoftwarePivCard(cardOf('SC-01').state, 'wrong-key')));
    expect(forged).toMatchObject({ result: 'anomaly', findings: [{ code: 'possession_failed' }] });
    const [absent] = await runCardCheck(s, swapped('SC-01', () => undefined));
    expect(absent).toMatchObject({ result: 'missing', findings: [{ code: 'no_answer', detail: 'the card is not in any reader' }] });
  });

  it('records "present, possession not proven" for a card with only a PIN-protected key', async () => {
    await enrolCard(s, offering(stranger(400, { cardAuthentication: false })), { label: 'SC-PIN' });
    const [result] = await runCardCheck(s, drillCardSource(s.db));
    expect(result).toMatchObject({ result: 'ok', findings: [{ code: 'possession_not_proven' }] });
  });

  it('checks keys and cards as one numbered list', async () => {
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-01' });
    await enrolCard(s, drillCardSource(s.db), { label: 'SC-01' });
    const progress: string[] = [];
    const results = await runFullCheck(s, { keys: drillKeySource(s.db), cards: drillCardSource(s.db) }, {}, (p) => p.step === 'done' && progress.push(`${p.index} of ${p.total} ${p.kind} ${p.label}`));
    expect(results.map((r) => [r.kind, r.label, r.result])).toEqual([['fido2', 'YK-01', 'ok'], ['smartcard', 'SC-01', 'ok']]);
    expect(progress).toEqual(['1 of 2 fido2 YK-01', '2 of 2 smartcard SC-01']);
    expect((await runFullCheck(s, { keys: drillKeySource(s.db), cards: drillCardSource(s.db) }, { item: 'sc-01' })).map((r) => r.label)).toEqual(['SC-01']);
    await expect(runFullCheck(s, { keys: drillKeySource(s.db), cards: drillCardSource(s.db) }, { item: 'nothing' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
