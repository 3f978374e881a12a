import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { KeywardError } from '../core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index';
import { KEYWARD_APPLICATION_ID } from './migrations/001-foundation';
import { attachDrillStore } from './drill-store';

export type KeywardDatabase = Database.Database;

export interface OpenOptions {
  /** Path of the better-sqlite3 addon built for this runtime (the Electron build passes its own). */
  readonly nativeBinding?: string;
  readonly readonly?: boolean;
  /** Create the database when there is no file at the path (only `init` does); an existing file must be Keyward's either way. */
  readonly create?: boolean;
  /** Runs in the same transaction as the first migrations of a new database: its first ledger entry, so no Keyward file is ever without one. */
  readonly onCreate?: (db: KeywardDatabase) => void;
}

/**
 * Opens a Keyward database: checks it is ours and not from a newer version before touching it,
 * then sets the durability pragmas and applies pending migrations in one transaction. Only a
 * path with no file is ever created, and only when asked; an empty, zero-filled, foreign or
 * schema-less file is refused and left as it was.
 */
export function openDatabase(path: string, options: OpenOptions = {}): KeywardDatabase {
  const fresh = refuseWhatIsNotKeywards(path, options.create === true);
  let db: KeywardDatabase;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, nativeBinding: options.nativeBinding });
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot open database ${path}: ${(error as Error).message}`, 'db');
  }
  try {
    guardVersion(db, path, fresh);
    if (options.readonly && schemaVersion(db) < SCHEMA_VERSION) {
      throw new KeywardError('conflict', `${path} was written by an older Keyward (schema ${schemaVersion(db)}): run "keyward init" once to upgrade it, then read it`, 'db');
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    // What is deleted is overwritten, so no key material outlives its move to the drill store in free pages.
    if (!options.readonly) db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) attachDrillStore(db, path);
    if (!options.readonly) migrate(db, fresh ? options.onCreate : undefined);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** What can be told from the file system alone: returns whether the file is to be created. */
function refuseWhatIsNotKeywards(path: string, create: boolean): boolean {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new KeywardError('invalid_input', `${path} is a folder, not a Keyward database`, 'db');
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error instanceof KeywardError ? error : new KeywardError('invalid_input', `cannot open database ${path}: ${(error as Error).message}`, 'db');
    if (!create) throw new KeywardError('not_found', `no Keyward database at ${path}; run "keyward init" first or pass --db PATH`, 'db');
    return true;
  }
  if (size === 0) throw new KeywardError('not_a_keyward_database', `${path} is an empty file, not a Keyward database; Keyward leaves it untouched (only "keyward init" creates a database, at a path with no file)`);
  return false;
}

function guardVersion(db: KeywardDatabase, path: string, fresh: boolean): void {
  let version: number;
  let applicationId: number;
  let tables: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    applicationId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CORRUPT') throw new KeywardError('database_damaged', `the database file is damaged: ${(error as Error).message} (${path}); restore it from a verified copy`);
    throw new KeywardError('not_a_keyward_database', `${path} is not a Keyward database: ${(error as Error).message}`);
  }
  if (applicationId !== KEYWARD_APPLICATION_ID && !fresh) {
    throw new KeywardError(
      'not_a_keyward_database',
      applicationId !== 0 || tables > 0 || version !== 0
        ? `${path} is an SQLite database of another application; Keyward leaves it untouched`
        : `${path} is an SQLite file without Keyward's schema, not a Keyward database; Keyward leaves it untouched`,
    );
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

function migrate(db: KeywardDatabase, onCreate: ((db: KeywardDatabase) => void) | undefined): void {
  const current = schemaVersion(db);
  const pending = MIGRATIONS.slice(current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) migration.up(db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    onCreate?.(db);
  }).immediate();
}

/** Whether another connection holds the write lock now (a write would have to wait for it). */
export function writerWaiting(db: KeywardDatabase): boolean {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (error) {
    if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}
