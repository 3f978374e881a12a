import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAuthenticatorByLabel } from '../../db/authenticators';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { verifyLedger } from '../../db/ledger';
import { findSmartcard } from '../../db/smartcards';
import { MemoryCardReaders } from '../../native/pcsc/memory-readers';
import { PIV_REFERENCE, readRetryCounter, readYubicoSerial, selectPiv } from '../../native/pcsc/piv';
import { SoftwarePivCard, newPivCardState, type PivCardState } from '../../native/piv-card/software-piv-card';
import { openTestSession } from '../../test/support/session';
import { listFindings } from '../findings/findings';
import { listInventory } from '../inventory/inventory';
import { runCardCheck } from './card-check';
import { enrolCard } from './card-enrolment';
import { drillCardSource, type CardSource } from './card-sources';

type TestSession = ReturnType<typeof openTestSession>;
const NOW = new Date('2026-11-25T09:00:00Z');
const DAY = 86_400_000;

const newCard = (serial?: number) =>
  new SoftwarePivCard(newPivCardState({ holder: { commonName: 'Break Glass 1' }, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 400 * DAY), serial }));

describe('PIV retry counters and the card serial, read without a PIN', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  const lastEntry = () => JSON.parse(s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string) as { kind: string; payload: Record<string, unknown> };
  const offering = (card: SoftwarePivCard): CardSource => drillCardSource(s.db, { prepare: (readers) => readers.insert('Drill reader: new card', card) });
  /** What happens to the card in the safe between checks: someone tries PINs, or uses the right one. */
  const meanwhile = (label: string, edit: (state: PivCardState) => void) => {
    const id = findAuthenticatorByLabel(s.db, label)!.id;
    const state = loadDrillKey(s.db, id) as PivCardState;
    edit(state);
    saveDrillKey(s.db, id, state);
  };

  it('reads the counters with VERIFY carrying no data (63Cx, 6983 when blocked) and a YubiKey serial with GET SERIAL', async () => {
    const card = newCard(11409355);
    const readers = new MemoryCardReaders().addReader('reader', card);
    const connection = await readers.connect('reader');
    await selectPiv(connection);
    expect(await readRetryCounter(connection, PIV_REFERENCE.pin)).toBe(3);
    card.state.pukRetries = 0;
    expect(await readRetryCounter(connection, PIV_REFERENCE.puk)).toBe(0);
    expect(await readYubicoSerial(connection)).toBe('11409355');
    expect(card.verifications).toEqual([{ reference: 0x80, dataLength: 0 }, { reference: 0x81, dataLength: 0 }]);
    // A card that does not publish a serial answers 6D00: no serial, no error.
    const plain = await new MemoryCardReaders().addReader('reader', newCard()).connect('reader');
    await selectPiv(plain);
    expect(await readYubicoSerial(plain)).toBeNull();
  });

  it('records the counters and serial at enrolment, shows them, and calls a drop an anomaly that stays a finding', async () => {
    const card = newCard(11409355);
    const { authenticator } = await enrolCard(s, offering(card), { label: 'SC-01' });
    expect(card.verifications.every((v) => v.dataLength === 0)).toBe(true);
    expect(findSmartcard(s.db, authenticator.id)).toMatchObject({ retries: { pin: 3, puk: 3 }, cardSerial: '11409355' });
    expect(lastEntry()).toMatchObject({ kind: 'smartcard.enrolled', payload: { pinRetries: 3, pukRetries: 3, cardSerial: '11409355' } });
    expect(listInventory(s).authenticators[0]!.notes).toEqual(['card serial 11409355', 'PIN retries 3, PUK retries 3']);
    expect((await runCardCheck(s, drillCardSource(s.db)))[0]).toMatchObject({ result: 'ok', findings: [] });

    // Two wrong PINs tried while the card was in the safe.
    meanwhile('SC-01', (state) => (state.pinRetries = 1));
    const [dropped] = await runCardCheck(s, drillCardSource(s.db));
    expect(dropped).toMatchObject({ result: 'anomaly', findings: [{ code: 'retries_dropped', counter: 'PIN', before: 3, after: 1 }] });
    expect(lastEntry()).toMatchObject({
      kind: 'presence.checked',
      payload: { result: 'anomaly', before: { pinRetries: 3 }, after: { pinRetries: 1, pukRetries: 3 }, findings: [{ text: 'PIN retries dropped from 3 to 1: someone tried a wrong PIN since the last check' }] },
    });
    const open = () => listFindings(s).filter((f) => f.kind === 'presence-anomaly' && f.subject.label === 'SC-01' && f.resolution === null);
    // A drill card's finding is a notice; a real card's is critical (test/integration/pcsc.test.ts).
    expect(open()).toEqual([expect.objectContaining({ drill: true, detail: 'PIN retries dropped from 3 to 1: someone tried a wrong PIN since the last check' })]);

    // The counter follows the card: the next check compares with 1, and the finding stays open.
    expect((await runCardCheck(s, drillCardSource(s.db)))[0]).toMatchObject({ result: 'ok', findings: [] });
    expect(open()).toHaveLength(1);
    // A correct PIN used later resets the counter: higher is no anomaly.
    meanwhile('SC-01', (state) => (state.pinRetries = 3));
    expect((await runCardCheck(s, drillCardSource(s.db)))[0]).toMatchObject({ result: 'ok', findings: [] });
    meanwhile('SC-01', (state) => (state.pukRetries = 2));
    expect((await runCardCheck(s, drillCardSource(s.db)))[0]).toMatchObject({ result: 'anomaly', findings: [{ code: 'retries_dropped', counter: 'PUK', before: 3, after: 2 }] });
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('calls a card with the enrolled GUID but another serial an anomaly: a copy of the card\'s identity', async () => {
    await enrolCard(s, offering(newCard(11409355)), { label: 'SC-01' });
    meanwhile('SC-01', (state) => Object.assign(state, { serial: 22222222 }));
    const [copy] = await runCardCheck(s, drillCardSource(s.db));
    expect(copy).toMatchObject({ result: 'anomaly', findings: [{ code: 'card_serial_changed', before: '11409355', after: '22222222' }] });
    // The serial Keyward knows stays the enrolled one.
    expect(findSmartcard(s.db, findAuthenticatorByLabel(s.db, 'SC-01')!.id)!.cardSerial).toBe('11409355');
  });

    it('warns at enrolment about a card whose PIN is already blocked, and shows no serial for a card that publishes none', async () => {
    const card = newCard();
    card.state.pinRetries = 0;
    const { authenticator, warnings } = await enrolCard(s, offering(card), { label: 'SC-02' });
    expect(warnings).toContain("the card's PIN is blocked (no tries left): it must be unblocked with the PUK before the account can sign in with it");
    expect(authenticator.notes).toEqual(['PIN retries 0, PUK retries 3']);
  });
});
