import type { StoragePlace } from '../core/inventory/inventory';
import type { KeywardDatabase } from './connection';

const COLUMNS = 'id, name, site, safe, slot, created_at AS createdAt';

export function insertPlace(db: KeywardDatabase, place: Omit<StoragePlace, 'id'>): StoragePlace {
  const { lastInsertRowid } = db
    .prepare('INSERT INTO places (name, site, safe, slot, created_at) VALUES (@name, @site, @safe, @slot, @createdAt)')
    .run(place);
  return { id: Number(lastInsertRowid), ...place };
}

export const listPlaces = (db: KeywardDatabase): StoragePlace[] =>
  db.prepare(`SELECT ${COLUMNS} FROM places ORDER BY name`).all() as StoragePlace[];

export const findPlaceByName = (db: KeywardDatabase, name: string): StoragePlace | undefined =>
  db.prepare(`SELECT ${COLUMNS} FROM places WHERE name = ?`).get(name) as StoragePlace | undefined;
