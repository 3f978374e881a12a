import type { CertificateFacts } from '../../core/cards/smartcard';
import { parseCertificate } from './certificate';
import { CardDataError } from './errors';
import { PIV_OBJECT, PIV_REFERENCE, parseCertificateObject, parseChuid, readObject, readRetryCounter, readYubicoSerial, selectPiv, type Chuid } from './piv';
import type { CardConnection } from './readers';

export interface CardCertificate {
  readonly der: Uint8Array;
  readonly facts: CertificateFacts;
}

/** The PIN and PUK retry counters, read without a PIN; null where the card does not say. */
export interface CardRetryCounters {
  readonly pin: number | null;
  readonly puk: number | null;
}

/** What a PIV card holds that Keyward records: its CHUID, the certificates of slots 9A and 9E, its retry counters and the serial it publishes. */
export interface PivCardContents {
  readonly chuid: Chuid;
  readonly authentication: CardCertificate;
  readonly cardAuthentication: CardCertificate | null;
  readonly retries: CardRetryCounters;
  /** The card's serial number where it publishes one (a YubiKey's GET SERIAL), else null. */
  readonly serial: string | null;
}

async function readCertificate(card: CardConnection, tag: number, where: string): Promise<CardCertificate | null> {
  const object = await readObject(card, tag);
  if (object === null) return null;
  const der = parseCertificateObject(object, where);
  return { der, facts: parseCertificate(der, where) };
}

/**
 * Selects PIV and reads the CHUID, the PIV Authentication certificate and, where present, the
 * Card Authentication certificate; then the PIN and PUK retry counters (VERIFY with no data:
 * never a PIN) and the serial where the card publishes it.
 */
export async function readPivCard(card: CardConnection): Promise<PivCardContents> {
  await selectPiv(card);
  const chuidBytes = await readObject(card, PIV_OBJECT.chuid);
  if (chuidBytes === null) throw new CardDataError('the card has no CHUID, so it cannot be told apart from another card');
  const chuid = parseChuid(chuidBytes);
  const authentication = await readCertificate(card, PIV_OBJECT.authenticationCertificate, 'PIV Authentication certificate (9A)');
  if (!authentication) throw new CardDataError('the card has no PIV Authentication certificate (slot 9A)');
  const cardAuthentication = await readCertificate(card, PIV_OBJECT.cardAuthenticationCertificate, 'Card Authentication certificate (9E)');
  const retries = { pin: await readRetryCounter(card, PIV_REFERENCE.pin), puk: await readRetryCounter(card, PIV_REFERENCE.puk) };
  return { chuid, authentication, cardAuthentication, retries, serial: await readYubicoSerial(card) };
}
