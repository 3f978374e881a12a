import Database from 'better-sqlite3';
import { KeywardError } from '../core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index';
import { KEYWARD_APPLICATION_ID } from './migrations/001-foundation';

export type KeywardDatabase = Database.Database;

export interface OpenOptions {
  /** Path of the better-sqlite3 addon built for this runtime (the Electron build passes its own). */
  readonly nativeBinding?: string;
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) a Keyward database: checks it is ours and not from a newer
 * version before touching it, then sets the durability pragmas and applies pending migrations
 * in one transaction.
 */
export function openDatabase(path: string, options: OpenOptions = {}): KeywardDatabase {
  let db: KeywardDatabase;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, nativeBinding: options.nativeBinding });
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot open database ${path}: ${(error as Error).message}`, 'db');
  }
  try {
    guardVersion(db, path);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function guardVersion(db: KeywardDatabase, path: string): void {
  let version: number;
  let applicationId: number;
  let tables: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    applicationId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
  } catch (error) {
    throw new KeywardError('not_a_keyward_database', `${path} is not a Keyward database: ${(error as Error).message}`);
  }
  if (applicationId !== KEYWARD_APPLICATION_ID && (tables > 0 || version !== 0)) {
    throw new KeywardError('not_a_keyward_database', `${path} is an SQLite database of another application; Keyward leaves it untouched`);
  }
  if (version > SCHEMA_VERSION) {
    throw new KeywardError(
      'database_too_new',
      `${path} was written by a newer Keyward (schema version ${version}; this version knows up to ${SCHEMA_VERSION}). Update Keyward to open it; the file was left untouched.`,
    );
  }
}

export function schemaVersion(db: KeywardDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: KeywardDatabase): void {
  const current = schemaVersion(db);
  const pending = MIGRATIONS.slice(current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) migration.up(db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
