import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywardError } from '../core/errors';
import { temporaryDirectory } from '../test/support/session';
import { openDatabase, schemaVersion } from './connection';
import { DRILL_STORE_APPLICATION_ID, drillStorePath } from './drill-store';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index';
import { m001Foundation } from './migrations/001-foundation';

const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('openDatabase', () => {
  const dir = temporaryDirectory();
  afterAll(() => dir.remove());

  it('creates a file with WAL, synchronous=FULL, foreign keys on and every migration applied', () => {
    const db = openDatabase(join(dir.path, 'fresh.db'), { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['account_facts', 'accounts', 'authenticator_genuineness', 'authenticators', 'checkouts', 'custodian_credentials', 'custodians', 'directory_audit_imports', 'directory_audits', 'fido_credentials', 'ledger_entries', 'metadata_blobs', 'metadata_entries', 'netpath_overrides', 'organisation_facts', 'places', 'seals', 'signin_imports', 'signins', 'smartcards']);
    db.close();
  });

  it('opens its own database again without re-running migrations', () => {
    const path = join(dir.path, 'again.db');
    openDatabase(path, { create: true }).close();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('upgrades a version 1 database in place and keeps its rows', () => {
    const path = join(dir.path, 'v1.db');
    const old = new Database(path);
    old.transaction(() => {
      m001Foundation.up(old);
      old.pragma('user_version = 1');
    })();
    old.prepare("INSERT INTO authenticators (kind, label, created_at) VALUES ('fido2', 'YK-OLD', '2026-01-01T00:00:00.000Z')").run();
    old.close();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT label, simulated FROM authenticators').all()).toEqual([{ label: 'YK-OLD', simulated: 0 }]);
    db.close();
  });

  it('refuses a database from a newer version with a clear message and leaves the file untouched', () => {
    const path = join(dir.path, 'newer.db');
    const db = openDatabase(path, { create: true });
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = fileHash(path);
    let error: unknown;
    try {
      openDatabase(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('database_too_new');
    expect((error as KeywardError).message).toMatch(new RegExp(`schema version ${SCHEMA_VERSION + 1}.*knows up to ${SCHEMA_VERSION}.*left untouched`));
    expect(fileHash(path)).toBe(before);
  });

  it('refuses an SQLite database of another application and leaves it untouched', () => {
    const path = join(dir.path, 'foreign.db');
    const foreign = new Database(path);
    foreign.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    foreign.close();
    const before = fileHash(path);
    expect(() => openDatabase(path)).toThrow(/another application/);
    expect(fileHash(path)).toBe(before);
  });

  it('refuses a file that is not a database', () => {
    const path = join(dir.path, 'garbage.db');
    writeFileSync(path, 'this is not an SQLite file, just text that is long enough to have a header'.repeat(20));
    const before = fileHash(path);
    expect(() => openDatabase(path)).toThrow(/is not a Keyward database: file is not a database/);
    expect(fileHash(path)).toBe(before);
  });

  it('moves drill key material out of an older custody file into the drill store, and keeps none of it', () => {
    const path = join(dir.path, 'v10.db');
    const old = new Database(path);
    old.transaction(() => {
      for (const migration of MIGRATIONS.slice(0, 10)) migration.up(old);
      old.pragma('user_version = 10');
    })();
    old.prepare("INSERT INTO authenticators (kind, label, created_at, simulated) VALUES ('fido2', 'DRILL-1', '2026-01-01T00:00:00.000Z', 1)").run();
    old.prepare('INSERT INTO drill_keys (authenticator_id, state) VALUES (1, ?)').run('{"privateKey":"secret"}');
    old.close();
    const db = openDatabase(path);
    expect(db.prepare("SELECT count(*) FROM main.sqlite_schema WHERE name LIKE 'drill%'").pluck().get()).toBe(0);
    db.close();
    expect(readFileSync(path).includes('"privateKey":"secret"')).toBe(false);
    const store = new Database(drillStorePath(path), { readonly: true });
    expect(store.pragma('application_id', { simple: true })).toBe(DRILL_STORE_APPLICATION_ID);
    expect(store.prepare('SELECT state FROM drill_keys WHERE authenticator_id = 1').pluck().get()).toBe('{"privateKey":"secret"}');
    store.close();
  });

  it('refuses a drill store that is some other file, leaving both untouched', () => {
    const path = join(dir.path, 'own.db');
    openDatabase(path, { create: true }).close();
    const drill = drillStorePath(path);
    rmSync(drill, { force: true });
    rmSync(`${drill}-wal`, { force: true });
    rmSync(`${drill}-shm`, { force: true });
    const foreign = new Database(drill);
    foreign.exec('CREATE TABLE notes (x)');
    foreign.close();
    const before = fileHash(drill);
    expect(() => openDatabase(path)).toThrow(/is not Keyward's drill store/);
    expect(fileHash(drill)).toBe(before);
  });
});
