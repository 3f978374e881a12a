import { KeywardError } from '../core/errors';
import type { KeywardDatabase } from './connection';

/** 'KWDR': marks the drill store, so it is never taken for a custody database or the other way round. */
export const DRILL_STORE_APPLICATION_ID = 0x4b574452;

/** The drill store sits beside the database: `keyward.db` → `keyward.drill.db`. */
export const drillStorePath = (databasePath: string): string => (databasePath === ':memory:' ? ':memory:' : databasePath.replace(/(\.db)?$/, '.drill.db'));

/**
 * Drill key material (software keys and cards, private keys included) never shares a file with the
 * custody ledger: it lives in its own file, attached to the connection as `drill`, so the drill
 * tables are found by name while their bytes stay out of the custody file.
 */
export function attachDrillStore(db: KeywardDatabase, databasePath: string): void {
  const path = drillStorePath(databasePath);
  db.prepare('ATTACH DATABASE ? AS drill').run(path);
  const id = db.pragma('drill.application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) FROM drill.sqlite_schema WHERE type = 'table'").pluck().get() as number;
  if (id !== DRILL_STORE_APPLICATION_ID && (id !== 0 || tables > 0)) {
    db.exec('DETACH DATABASE drill');
    throw new KeywardError('not_a_keyward_database', `${path} is not Keyward's drill store; Keyward leaves it untouched`);
  }
  if (id === 0) {
    db.pragma(`drill.application_id = ${DRILL_STORE_APPLICATION_ID}`);
    if (path !== ':memory:') db.pragma('drill.journal_mode = WAL');
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS drill.drill_keys (authenticator_id INTEGER PRIMARY KEY, state TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS drill.drill_custodian_keys (custodian_id INTEGER PRIMARY KEY, state TEXT NOT NULL) STRICT;
  `);
}
