import type { CertificateFacts } from '../../core/cards/smartcard';
import { parseCertificate } from './certificate';
import { CardDataError } from './errors';
import { PIV_OBJECT, parseCertificateObject, parseChuid, readObject, selectPiv, type Chuid } from './piv';
import type { CardConnection } from './readers';

export interface CardCertificate {
  readonly der: Uint8Array;
  readonly facts: CertificateFacts;
}

/** What a PIV card holds that Keyward records: its CHUID and the certificates of slots 9A and 9E. */
export interface PivCardContents {
  readonly chuid: Chuid;
  readonly authentication: CardCertificate;
  readonly cardAuthentication: CardCertificate | null;
}

async function readCertificate(card: CardConnection, tag: number, where: string): Promise<CardCertificate | null> {
  const object = await readObject(card, tag);
  if (object === null) return null;
  const der = parseCertificateObject(object, where);
  return { der, facts: parseCertificate(der, where) };
}

/** Selects PIV and reads the CHUID, the PIV Authentication certificate and, where present, the Card Authentication certificate. */
export async function readPivCard(card: CardConnection): Promise<PivCardContents> {
  await selectPiv(card);
  const chuidBytes = await readObject(card, PIV_OBJECT.chuid);
  if (chuidBytes === null) throw new CardDataError('the card has no CHUID, so it cannot be told apart from another card');
  const chuid = parseChuid(chuidBytes);
  const authentication = await readCertificate(card, PIV_OBJECT.authenticationCertificate, 'PIV Authentication certificate (9A)');
  if (!authentication) throw new CardDataError('the card has no PIV Authentication certificate (slot 9A)');
  const cardAuthentication = await readCertificate(card, PIV_OBJECT.cardAuthenticationCertificate, 'Card Authentication certificate (9E)');
  return { chuid, authentication, cardAuthentication };
}
