import type { PresenceResult } from '../core/presence/presence';
import type { CardRetries, KnownCardState } from '../core/cards/smartcard';
import type { KeywardDatabase } from './connection';

export interface SmartcardRecord {
  readonly authenticatorId: number;
  readonly guid: string;
  /** DER, base64. */
  readonly authenticationCertificate: string;
  readonly cardAuthenticationCertificate: string | null;
  readonly known: KnownCardState;
  readonly enrolledAt: string;
  /** The PIN and PUK retry counters as last read. */
  readonly retries: CardRetries;
  /** The serial the card publishes, where it does. */
  readonly cardSerial: string | null;
}

export function insertSmartcard(db: KeywardDatabase, card: SmartcardRecord): void {
  db.prepare(
    `INSERT INTO smartcards (authenticator_id, guid, authentication_certificate, card_authentication_certificate, known, not_after, enrolled_at, pin_retries, puk_retries, card_serial)
     VALUES (@authenticatorId, @guid, @authenticationCertificate, @cardAuthenticationCertificate, @known, @notAfter, @enrolledAt, @pinRetries, @pukRetries, @cardSerial)`,
  ).run({
    authenticatorId: card.authenticatorId,
    guid: card.guid,
    authenticationCertificate: card.authenticationCertificate,
    cardAuthenticationCertificate: card.cardAuthenticationCertificate,
    known: JSON.stringify(card.known),
    notAfter: card.known.authentication.notAfter,
    enrolledAt: card.enrolledAt,
    pinRetries: card.retries.pin,
    pukRetries: card.retries.puk,
    cardSerial: card.cardSerial,
  });
}

interface Row extends Omit<SmartcardRecord, 'known' | 'retries'> {
  known: string;
  pinRetries: number | null;
  pukRetries: number | null;
}

export function findSmartcard(db: KeywardDatabase, authenticatorId: number): SmartcardRecord | undefined {
  const row = db
    .prepare(
      `SELECT authenticator_id AS authenticatorId, guid, authentication_certificate AS authenticationCertificate,
        card_authentication_certificate AS cardAuthenticationCertificate, known, enrolled_at AS enrolledAt,
        pin_retries AS pinRetries, puk_retries AS pukRetries, card_serial AS cardSerial FROM smartcards WHERE authenticator_id = ?`,
    )
    .get(authenticatorId) as Row | undefined;
  if (!row) return undefined;
  const { pinRetries, pukRetries, known, ...rest } = row;
  return { ...rest, known: JSON.parse(known) as KnownCardState, retries: { pin: pinRetries, puk: pukRetries } };
}

export const findSmartcardByGuid = (db: KeywardDatabase, guid: string): number | undefined =>
  db.prepare('SELECT authenticator_id FROM smartcards WHERE guid = ?').pluck().get(guid) as number | undefined;

/**
 * The last check's time and result; what is known about the card stays as enrolled. The retry
 * counters follow the card wherever it said them (a drop is judged against the last reading, and
 * stays a finding until resolved), and a serial read for the first time is kept.
 */
export function recordCardCheck(db: KeywardDatabase, authenticatorId: number, at: string, result: PresenceResult, read?: { readonly retries: CardRetries; readonly cardSerial: string | null }): void {
  db.prepare('UPDATE smartcards SET last_checked_at = ?, last_result = ? WHERE authenticator_id = ?').run(at, result, authenticatorId);
  if (!read) return;
  db.prepare(
    'UPDATE smartcards SET pin_retries = COALESCE(?, pin_retries), puk_retries = COALESCE(?, puk_retries), card_serial = COALESCE(card_serial, ?) WHERE authenticator_id = ?',
  ).run(read.retries.pin, read.retries.puk, read.cardSerial, authenticatorId);
}

/** The enrolled card in use (not retired or lost) whose certificate expires first; drill cards are marked. */
export function earliestCertificateExpiry(db: KeywardDatabase): { label: string; notAfter: string } | undefined {
  return db
    .prepare(
      `SELECT a.label || CASE WHEN a.simulated = 1 THEN ' (drill)' ELSE '' END AS label, s.not_after AS notAfter
       FROM smartcards s JOIN authenticators a ON a.id = s.authenticator_id
       WHERE a.state NOT IN ('retired', 'lost') ORDER BY s.not_after LIMIT 1`,
    )
    .get() as { label: string; notAfter: string } | undefined;
}

/** Every enrolled card's PIV Authentication certificate, the first to expire first. */
export function listCardCertificates(db: KeywardDatabase): { id: number; label: string; simulated: boolean; retired: boolean; certificate: KnownCardState['authentication'] }[] {
  const rows = db
    .prepare(
      `SELECT a.id, a.label, a.simulated, a.state IN ('retired', 'lost') AS retired, s.known FROM smartcards s JOIN authenticators a ON a.id = s.authenticator_id ORDER BY s.not_after, a.label`,
    )
    .all() as { id: number; label: string; simulated: number; retired: number; known: string }[];
  return rows.map((r) => ({ id: r.id, label: r.label, simulated: r.simulated === 1, retired: r.retired === 1, certificate: (JSON.parse(r.known) as KnownCardState).authentication }));
}
