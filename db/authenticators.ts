import type { Authenticator, AuthenticatorKind } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

export interface NewAuthenticator {
  readonly kind: AuthenticatorKind;
  readonly label: string;
  readonly serial: string;
  readonly placeId: number | null;
  readonly accountId: number | null;
  readonly createdAt: string;
  readonly simulated?: boolean;
}

/** Every column of an authenticator as listed, joined from its place, account, key credential and smartcard (`a`, `p`, `acc`, `f`, `s`). */
export const SELECT = `SELECT a.id, a.kind, a.label, a.serial, a.state, p.name AS placeName, acc.upn AS accountUpn, a.created_at AS createdAt,
  a.simulated, COALESCE(f.model, CASE WHEN s.guid IS NOT NULL THEN 'PIV smartcard' END) AS model,
  COALESCE(f.last_checked_at, s.last_checked_at) AS lastCheckedAt, COALESCE(f.last_result, s.last_result) AS lastResult,
  (f.credential_id IS NOT NULL OR s.guid IS NOT NULL) AS enrolled, s.not_after AS expiresAt, a.seal_serial AS sealSerial,
  f.notes AS keyNotes, s.card_serial AS cardSerial, s.pin_retries AS cardPinRetries, s.puk_retries AS cardPukRetries
  FROM authenticators a LEFT JOIN places p ON p.id = a.place_id LEFT JOIN accounts acc ON acc.id = a.account_id
  LEFT JOIN fido_credentials f ON f.authenticator_id = a.id LEFT JOIN smartcards s ON s.authenticator_id = a.id`;

export interface Row extends Omit<Authenticator, 'simulated' | 'enrolled' | 'notes'> {
  simulated: number;
  enrolled: number;
  keyNotes: string | null;
  cardSerial: string | null;
  cardPinRetries: number | null;
  cardPukRetries: number | null;
}

/** What the inventory says besides its columns: a key's notes, a card's serial and retry counters. */
function notesOf(row: Row): string[] {
  const notes = row.keyNotes ? (JSON.parse(row.keyNotes) as string[]) : [];
  if (row.cardSerial !== null) notes.push(`card serial ${row.cardSerial}`);
  if (row.cardPinRetries !== null || row.cardPukRetries !== null) notes.push(`PIN retries ${row.cardPinRetries ?? 'unknown'}, PUK retries ${row.cardPukRetries ?? 'unknown'}`);
  return notes;
}

export const toAuthenticator = (row: Row): Authenticator => ({
  id: row.id,
  kind: row.kind,
  label: row.label,
  serial: row.serial,
  state: row.state,
  placeName: row.placeName,
  accountUpn: row.accountUpn,
  createdAt: row.createdAt,
  simulated: row.simulated === 1,
  enrolled: row.enrolled === 1,
  model: row.model,
  lastCheckedAt: row.lastCheckedAt,
  lastResult: row.lastResult,
  expiresAt: row.expiresAt,
  sealSerial: row.sealSerial,
  notes: notesOf(row),
});

export function insertAuthenticator(db: KeywardDatabase, authenticator: NewAuthenticator): Authenticator {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO authenticators (kind, label, serial, place_id, account_id, created_at, simulated)
       VALUES (@kind, @label, @serial, @placeId, @accountId, @createdAt, @simulated)`,
    )
    .run({ ...authenticator, simulated: authenticator.simulated ? 1 : 0 });
  return findAuthenticatorById(db, Number(lastInsertRowid)) as Authenticator;
}

export const listAuthenticators = (db: KeywardDatabase): Authenticator[] => (db.prepare(`${SELECT} ORDER BY a.label`).all() as Row[]).map(toAuthenticator);

export function findAuthenticatorById(db: KeywardDatabase, id: number): Authenticator | undefined {
  const row = db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as Row | undefined;
  return row && toAuthenticator(row);
}

export function findAuthenticatorByLabel(db: KeywardDatabase, label: string): Authenticator | undefined {
  const row = db.prepare(`${SELECT} WHERE a.label = ? COLLATE NOCASE`).get(label) as Row | undefined;
  return row && toAuthenticator(row);
}

export const countAuthenticatorsByState = (db: KeywardDatabase): Record<string, number> =>
  Object.fromEntries(
    (db.prepare('SELECT state, count(*) AS n FROM authenticators GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]),
  );

/** Binds an item to an emergency account, or unbinds it (null). */
export function setAuthenticatorAccount(db: KeywardDatabase, authenticatorId: number, accountId: number | null): void {
  db.prepare('UPDATE authenticators SET account_id = ? WHERE id = ?').run(accountId, authenticatorId);
}

/** The id the next item added will get (ids are never reused: items are never deleted), for an entry prepared before the item is written. */
export const nextAuthenticatorId = (db: KeywardDatabase): number => (db.prepare('SELECT COALESCE(MAX(id), 0) + 1 FROM authenticators').pluck().get() as number);
