import type { EmergencyAccount } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

const COLUMNS = 'id, upn, object_id AS objectId, label, created_at AS createdAt';

export function insertAccount(db: KeywardDatabase, account: Omit<EmergencyAccount, 'id'>): EmergencyAccount {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO accounts (upn, object_id, label, created_at) VALUES (@upn, @objectId, @label, @createdAt)')
    .run(account);
  return { id: Number(lastInsertRowid), ...account };
}

export const listAccounts = (db: KeywardDatabase): EmergencyAccount[] =>
  db.prepare(`SELECT ${COLUMNS} FROM accounts ORDER BY upn`).all() as EmergencyAccount[];

export const findAccountByUpn = (db: KeywardDatabase, upn: string): EmergencyAccount | undefined =>
  db.prepare(`SELECT ${COLUMNS} FROM accounts WHERE upn = ?`).get(upn) as EmergencyAccount | undefined;

export const findAccountByObjectId = (db: KeywardDatabase, objectId: string): EmergencyAccount | undefined =>
  db.prepare(`SELECT ${COLUMNS} FROM accounts WHERE object_id = ?`).get(objectId) as EmergencyAccount | undefined;

export const countAccounts = (db: KeywardDatabase): number => db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
