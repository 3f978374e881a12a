import type { Custodian } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

const COLUMNS = `id, name, active = 1 AS active, created_at AS createdAt,
  (SELECT CASE simulated WHEN 1 THEN 'drill' ELSE 'real' END FROM custodian_credentials WHERE custodian_id = custodians.id) AS key`;

interface CustodianRow extends Omit<Custodian, 'active'> {
  active: number;
}
const toCustodian = (row: CustodianRow): Custodian => ({ ...row, active: row.active === 1 });

/** The id the next custodian will get: a signed entry names it before the row is written. */
export const nextCustodianId = (db: KeywardDatabase): number => (db.prepare('SELECT coalesce(max(id), 0) + 1 FROM custodians').pluck().get() as number);

export function insertCustodian(db: KeywardDatabase, custodian: { id?: number; name: string; createdAt: string }): Custodian {
  const { lastInsertRowid } = db.prepare('INSERT INTO custodians (id, name, created_at) VALUES (@id, @name, @createdAt)').run({ id: null, ...custodian });
  return { id: Number(lastInsertRowid), name: custodian.name, active: true, createdAt: custodian.createdAt, key: null };
}

export const listCustodians = (db: KeywardDatabase): Custodian[] =>
  (db.prepare(`SELECT ${COLUMNS} FROM custodians ORDER BY name`).all() as CustodianRow[]).map(toCustodian);

export function findCustodianByName(db: KeywardDatabase, name: string): Custodian | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM custodians WHERE name = ?`).get(name) as CustodianRow | undefined;
  return row && toCustodian(row);
}

export const countActiveCustodians = (db: KeywardDatabase): number =>
  db.prepare('SELECT count(*) FROM custodians WHERE active = 1').pluck().get() as number;
