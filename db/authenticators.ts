import type { Authenticator, AuthenticatorKind } from '../core/inventory';
import type { KeywardDatabase } from './connection';

export interface NewAuthenticator {
  readonly kind: AuthenticatorKind;
  readonly label: string;
  readonly serial: string;
  readonly placeId: number | null;
  readonly accountId: number | null;
  readonly createdAt: string;
}

const SELECT = `SELECT a.id, a.kind, a.label, a.serial, a.state, p.name AS placeName, acc.upn AS accountUpn, a.created_at AS createdAt
  FROM authenticators a LEFT JOIN places p ON p.id = a.place_id LEFT JOIN accounts acc ON acc.id = a.account_id`;

export function insertAuthenticator(db: KeywardDatabase, authenticator: NewAuthenticator): Authenticator {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO authenticators (kind, label, serial, place_id, account_id, created_at)
       VALUES (@kind, @label, @serial, @placeId, @accountId, @createdAt)`,
    )
    .run(authenticator);
  return findAuthenticatorById(db, Number(lastInsertRowid)) as Authenticator;
}

export const listAuthenticators = (db: KeywardDatabase): Authenticator[] =>
  db.prepare(`${SELECT} ORDER BY a.label`).all() as Authenticator[];

export const findAuthenticatorById = (db: KeywardDatabase, id: number): Authenticator | undefined =>
  db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as Authenticator | undefined;

export const findAuthenticatorByLabel = (db: KeywardDatabase, label: string): Authenticator | undefined =>
  db.prepare(`${SELECT} WHERE a.label = ? COLLATE NOCASE`).get(label) as Authenticator | undefined;

export const countAuthenticatorsByState = (db: KeywardDatabase): Record<string, number> =>
  Object.fromEntries(
    (db.prepare('SELECT state, count(*) AS n FROM authenticators GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]),
  );
