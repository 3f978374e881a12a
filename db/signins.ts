import type { CheckoutWindow, SignIn } from '../core/guidance/signins';
import type { Statement } from 'better-sqlite3';
import type { KeywardDatabase } from './connection';

const COLUMNS = '(id, created_at, user_id, upn, app, ip, error_code, conditional_access)';
/** Sign-ins per INSERT: one call into SQLite for many rows, well under its limit on bound values. */
const ROWS_PER_INSERT = 128;
/**
 * Past this many rows in one import (and past the rows already kept), the by-user index is dropped
 * and built again at the end by one sort: kept up row by row, its random inserts cost three times
 * as much per row at a million rows as at a hundred thousand, once it outgrows the page cache.
 */
export const BULK_ROWS = 50_000;
/** The page cache during an import, in KiB (SQLite's negative cache_size), so that the id index's random inserts stay in memory longer; the rest of the time the connection's own. */
const IMPORT_CACHE_KIB = 64 * 1024;
const BY_USER_INDEX = 'signins_by_user';
const inserts = new WeakMap<KeywardDatabase, { one: Statement; many: Statement }>();

export interface SignInWriter {
  add(s: SignIn): void;
  /** Writes the last rows and builds the by-user index again if it was dropped. */
  finish(): void;
  /** Gives the connection its own page cache back; call it whether the import succeeded or not. */
  release(): void;
  readonly added: number;
}

function statementsOf(db: KeywardDatabase): { one: Statement; many: Statement } {
  let statements = inserts.get(db);
  if (!statements) {
    const values = (rows: number) => Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    statements = { one: db.prepare(`INSERT OR IGNORE INTO signins ${COLUMNS} VALUES ${values(1)}`), many: db.prepare(`INSERT OR IGNORE INTO signins ${COLUMNS} VALUES ${values(ROWS_PER_INSERT)}`) };
    inserts.set(db, statements);
  }
  return statements;
}

/**
 * Adds sign-ins unless one with the same id is already kept, many rows per statement, with the
 * statements prepared once per connection. A large import drops the by-user index once it has
 * written more than `bulkRows` rows and more rows than were kept before, and `finish` builds it
 * again; `added` says how many were new. Runs inside the caller's transaction, so an import
 * stays all or nothing, the index's drop included.
 */
export function signInWriter(db: KeywardDatabase, bulkRows = BULK_ROWS): SignInWriter {
  const { one, many } = statementsOf(db);
  const ownCache = db.pragma('cache_size', { simple: true }) as number;
  if (ownCache > -IMPORT_CACHE_KIB) db.pragma(`cache_size = ${-IMPORT_CACHE_KIB}`);
  // Rows are never deleted, so the highest rowid counts what is kept, without a scan.
  const kept = (db.prepare('SELECT max(rowid) FROM signins').pluck().get() as number | null) ?? 0;
  let bulk = false;
  let indexSql: string | undefined;
  const pending: (string | number)[] = [];
  let rows = 0;
  let written = 0;
  let added = 0;
  return {
    add(s) {
      pending.push(s.id, s.createdAt, s.userId, s.upn, s.app, s.ip, s.errorCode, s.conditionalAccess);
      rows += 1;
      if (rows === ROWS_PER_INSERT) {
        added += many.run(pending).changes;
        pending.length = 0;
        rows = 0;
        written += ROWS_PER_INSERT;
        if (!bulk && written >= bulkRows && written > kept) {
          bulk = true;
          indexSql = dropIndex(db, BY_USER_INDEX);
        }
      }
    },
    finish() {
      for (let i = 0; i < rows; i += 1) added += one.run(pending.slice(i * 8, i * 8 + 8)).changes;
      pending.length = 0;
      rows = 0;
      if (indexSql !== undefined) db.exec(indexSql);
      indexSql = undefined;
    },
    release() {
      db.pragma(`cache_size = ${ownCache}`);
    },
    get added() {
      return added;
    },
  };
}

/** Drops an index and returns the statement that creates it again, as the migration wrote it (none: there was no such index). */
function dropIndex(db: KeywardDatabase, name: string): string | undefined {
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(name) as string | undefined;
  if (sql !== undefined) db.exec(`DROP INDEX ${name}`);
  return sql;
}

export const findImport = (db: KeywardDatabase, sha256: string) =>
  db.prepare('SELECT sha256, file_name AS fileName, records, added, imported_at AS importedAt FROM signin_imports WHERE sha256 = ?').get(sha256) as
    | { sha256: string; fileName: string; records: number; added: number; importedAt: string }
    | undefined;

export function recordImport(db: KeywardDatabase, i: { sha256: string; fileName: string; records: number; added: number; importedAt: string }): void {
  db.prepare('INSERT INTO signin_imports (sha256, file_name, records, added, imported_at) VALUES (?, ?, ?, ?, ?)').run(i.sha256, i.fileName, i.records, i.added, i.importedAt);
}

export function signInsOfUsers(db: KeywardDatabase, userIds: readonly string[]): SignIn[] {
  if (userIds.length === 0) return [];
  return db
    .prepare(
      `SELECT id, created_at AS createdAt, user_id AS userId, upn, app, ip, error_code AS errorCode, conditional_access AS conditionalAccess
       FROM signins WHERE user_id IN (${userIds.map(() => '?').join(', ')}) ORDER BY created_at`,
    )
    .all(...userIds.map((u) => u.toLowerCase())) as SignIn[];
}

/** Every logged checkout of an authenticator bound to an emergency account, as a window in time. */
export function checkoutWindows(db: KeywardDatabase): CheckoutWindow[] {
  return db
    .prepare(
      `SELECT c.checkout_seq AS checkoutSeq, acc.object_id AS accountObjectId, a.label, c.reason, c.checked_out_at AS "from", c.returned_at AS "to"
       FROM checkouts c JOIN authenticators a ON a.id = c.authenticator_id JOIN accounts acc ON acc.id = a.account_id ORDER BY c.checked_out_at`,
    )
    .all() as CheckoutWindow[];
}
