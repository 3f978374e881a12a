import type { Seal } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

const COLUMNS = 'id, serial, state, created_at AS createdAt';

export function insertSeal(db: KeywardDatabase, seal: { serial: string; createdAt: string }): Seal {
  const { lastInsertRowid } = db.prepare('INSERT INTO seals (serial, created_at) VALUES (@serial, @createdAt)').run(seal);
  return { id: Number(lastInsertRowid), serial: seal.serial, state: 'unused', createdAt: seal.createdAt };
}

export const listSeals = (db: KeywardDatabase): Seal[] => db.prepare(`SELECT ${COLUMNS} FROM seals ORDER BY serial`).all() as Seal[];

export const findSealBySerial = (db: KeywardDatabase, serial: string): Seal | undefined =>
  db.prepare(`SELECT ${COLUMNS} FROM seals WHERE serial = ?`).get(serial) as Seal | undefined;
