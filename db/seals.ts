import type { Seal } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

const COLUMNS = 's.id, s.serial, s.state, s.created_at AS createdAt, a.label AS holds';
const FROM = 'seals s LEFT JOIN authenticators a ON a.seal_serial = s.serial';

export function insertSeal(db: KeywardDatabase, seal: { serial: string; createdAt: string }): Seal {
  const { lastInsertRowid } = db.prepare('INSERT INTO seals (serial, created_at) VALUES (@serial, @createdAt)').run(seal);
  return { id: Number(lastInsertRowid), serial: seal.serial, state: 'unused', createdAt: seal.createdAt, holds: null };
}

export const listSeals = (db: KeywardDatabase): Seal[] => db.prepare(`SELECT ${COLUMNS} FROM ${FROM} ORDER BY s.serial`).all() as Seal[];

export const findSealBySerial = (db: KeywardDatabase, serial: string): Seal | undefined =>
  db.prepare(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.serial = ?`).get(serial) as Seal | undefined;

/** Records the seal an item is stored under (null while it is out of the safe). */
export function setItemSeal(db: KeywardDatabase, authenticatorId: number, serial: string | null): void {
  db.prepare('UPDATE authenticators SET seal_serial = ? WHERE id = ?').run(serial, authenticatorId);
}
