import type { Custodian } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

const COLUMNS = 'id, name, active = 1 AS active, created_at AS createdAt';

interface CustodianRow extends Omit<Custodian, 'active'> {
  active: number;
}
const toCustodian = (row: CustodianRow): Custodian => ({ ...row, active: row.active === 1 });

export function insertCustodian(db: KeywardDatabase, custodian: { name: string; createdAt: string }): Custodian {
  const { lastInsertRowid } = db.prepare('INSERT INTO custodians (name, created_at) VALUES (@name, @createdAt)').run(custodian);
  return { id: Number(lastInsertRowid), name: custodian.name, active: true, createdAt: custodian.createdAt };
}

export const listCustodians = (db: KeywardDatabase): Custodian[] =>
  (db.prepare(`SELECT ${COLUMNS} FROM custodians ORDER BY name`).all() as CustodianRow[]).map(toCustodian);

export function findCustodianByName(db: KeywardDatabase, name: string): Custodian | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM custodians WHERE name = ?`).get(name) as CustodianRow | undefined;
  return row && toCustodian(row);
}

export const countActiveCustodians = (db: KeywardDatabase): number =>
  db.prepare('SELECT count(*) FROM custodians WHERE active = 1').pluck().get() as number;
