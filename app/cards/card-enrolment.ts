import { KeywardError } from '../../core/errors';
import { parseText, type Authenticator } from '../../core/inventory/inventory';
import { upnMismatch, expiryState } from '../../core/cards/smartcard';
import { findAuthenticatorById, insertAuthenticator } from '../../db/authenticators';
import { saveDrillKey } from '../../db/drill-keys';
import { appendEntry } from '../../db/ledger';
import { readOrganisationFacts } from '../../db/posture-facts';
import { findSmartcardByGuid, insertSmartcard } from '../../db/smartcards';
import { proveCardAuthentication, type PossessionProof } from '../../native/pcsc/possession';
import { readPivCard } from '../../native/pcsc/read-card';
import { cardEvidence, countersEvidence, deviceError, knownStateOf } from './card-reading';
import type { CardSource } from './card-sources';
import { recorded, type Session } from '../ports';
import { enrolmentTarget } from '../presence/enrolment-target';

export type CardEnrolmentStep = 'looking' | 'reading' | 'proving' | 'saved';

export interface CardEnrolment {
  readonly authenticator: Authenticator;
  readonly reader: string;
  /** Things the custodian should know but that do not stop enrolment (a UPN that does not match, a certificate near its end). */
  readonly warnings: readonly string[];
}

/** Which reader to read: the one named, or the only one with a card in it. */
async function chooseReader(readers: { list(): Promise<{ name: string; cardPresent: boolean }[]> }, requested: string, label: string): Promise<string> {
  const all = await readers.list();
  if (requested) {
    const reader = all.find((r) => r.name === requested);
    if (!reader) throw new KeywardError('not_found', `there is no reader named "${requested}"; readers: ${all.map((r) => r.name).join(', ') || 'none'}`, 'reader');
    if (!reader.cardPresent) throw new KeywardError('device', `there is no card in "${requested}": insert the card labelled "${label}"`, 'reader');
    return reader.name;
  }
  if (all.length === 0) throw new KeywardError('device', 'no smartcard reader is connected', 'reader');
  const withCard = all.filter((r) => r.cardPresent);
  if (withCard.length === 0) throw new KeywardError('device', `no card is in any reader: insert the card labelled "${label}"`, 'reader');
  if (withCard.length > 1) throw new KeywardError('invalid_input', `${withCard.length} readers hold a card (${withCard.map((r) => r.name).join(', ')}): name one with --reader`, 'reader');
  return withCard[0]!.name;
}

/**
 * Enrols a PIV smartcard: reads its CHUID and certificates (no PIN), proves possession with the
 * Card Authentication key where there is one, binds it to an emergency account, and records it
 * with its ledger entry. A card that cannot be read completely changes nothing.
 */
export async function enrolCard(session: Session, source: CardSource, input: Record<string, unknown>, onStep: (step: CardEnrolmentStep) => void = () => undefined): Promise<CardEnrolment> {
  const { label, place, account, existing } = enrolmentTarget(session, input, 'smartcard', source.simulated);
  const requestedReader = parseText(input.reader, 'reader', { required: false, max: 200 });
  const { db } = session;
  const boundUpn = account?.upn ?? existing?.accountUpn ?? null;

  onStep('looking');
  const { readers, drillStateOf } = await source.open({ label, upn: boundUpn, now: session.clock.now() });
  try {
    const reader = await chooseReader(readers, requestedReader, label);
    onStep('reading');
    let proof: PossessionProof | null = null;
    let contents;
    const connection = await readers.connect(reader).catch((error: unknown) => {
      throw deviceError(error, reader);
    });
    try {
      contents = await readPivCard(connection);
      if (contents.cardAuthentication) {
        onStep('proving');
        proof = await proveCardAuthentication(connection, contents.cardAuthentication.der);
      }
    } catch (error) {
      throw deviceError(error, reader);
    } finally {
      await connection.close().catch(() => undefined);
    }
    if (proof && !proof.valid) throw new KeywardError('device', `the card in "${reader}" signed a challenge that does not verify with its own Card Authentication certificate: it is not enrolled`, 'card');
    const known = knownStateOf(contents);
    const already = findSmartcardByGuid(db, known.guid);
    if (already !== undefined) throw new KeywardError('conflict', `this card (GUID ${known.guid}) is already enrolled as "${findAuthenticatorById(db, already)?.label}"`, 'card');

    const warnings: string[] = [];
    const mismatch = upnMismatch(known.authentication, boundUpn);
    if (mismatch) warnings.push(mismatch);
    const expiry = expiryState(known.authentication.notAfter, session.clock.now(), readOrganisationFacts(db).expiryWindowDays);
    if (expiry.state === 'expired') warnings.push(`the PIV Authentication certificate has already expired (${known.authentication.notAfter.slice(0, 10)})`);
    if (expiry.state === 'expiring') warnings.push(`the PIV Authentication certificate expires in ${expiry.days} day(s) (${known.authentication.notAfter.slice(0, 10)})`);
    if (contents.retries.pin === 0) warnings.push('the card\'s PIN is blocked (no tries left): it must be unblocked with the PUK before the account can sign in with it');
    if (!proof) warnings.push('the card has no Card Authentication key (9E): presence checks will find it but cannot prove possession without a PIN, which Keyward never asks for');
    const drillState = drillStateOf?.(reader);

    const saved = recorded(session, (at) => {
      const target =
        existing ??
        insertAuthenticator(db, { kind: 'smartcard', label, serial: known.authentication.serial, placeId: place?.id ?? null, accountId: account?.id ?? null, createdAt: at.recordedAt, simulated: source.simulated });
      insertSmartcard(db, {
        authenticatorId: target.id,
        guid: known.guid,
        authenticationCertificate: Buffer.from(contents.authentication.der).toString('base64'),
        cardAuthenticationCertificate: contents.cardAuthentication ? Buffer.from(contents.cardAuthentication.der).toString('base64') : null,
        known,
        enrolledAt: at.recordedAt,
        retries: contents.retries,
        cardSerial: contents.serial,
      });
      if (drillState) saveDrillKey(db, target.id, drillState);
      appendEntry(
        db,
        {
          kind: 'smartcard.enrolled',
          actors: [session.actor],
          payload: {
            authenticatorId: target.id,
            label,
            ...cardEvidence(known),
            ...countersEvidence(contents),
            possession: proof ? { algorithm: proof.algorithm, challenge: proof.challenge, signature: proof.signature, valid: proof.valid } : null,
            warnings: [...warnings],
            place: place?.name ?? existing?.placeName ?? null,
            account: boundUpn,
            drill: source.simulated,
          },
        },
        at,
      );
      return target.id;
    });
    onStep('saved');
    return { authenticator: findAuthenticatorById(db, saved)!, reader, warnings };
  } finally {
    await readers.close().catch(() => undefined);
  }
}
