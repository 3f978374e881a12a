import type { CheckoutWindow, SignIn } from '../core/guidance/signins';
import type { Statement } from 'better-sqlite3';
import type { KeywardDatabase } from './connection';

const COLUMNS = '(id, created_at, user_id, upn, app, ip, error_code, conditional_access)';
/** Sign-ins per INSERT: one call into SQLite for many rows, well under its limit on bound values. */
const ROWS_PER_INSERT = 128;
const inserts = new WeakMap<KeywardDatabase, { one: Statement; many: Statement }>();

/**
 * Adds sign-ins unless one with the same id is already kept, many rows per statement, with the
 * statements prepared once per connection. Call `finish` to write the last rows; `added` says
 * how many were new. Runs inside the caller's transaction, so an import stays all or nothing.
 */
export function signInWriter(db: KeywardDatabase): { add: (s: SignIn) => void; finish: () => void; readonly added: number } {
  let statements = inserts.get(db);
  if (!statements) {
    const values = (rows: number) => Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    statements = { one: db.prepare(`INSERT OR IGNORE INTO signins ${COLUMNS} VALUES ${values(1)}`), many: db.prepare(`INSERT OR IGNORE INTO signins ${COLUMNS} VALUES ${values(ROWS_PER_INSERT)}`) };
    inserts.set(db, statements);
  }
  const { one, many } = statements;
  const pending: (string | number)[] = [];
  let rows = 0;
  let added = 0;
  return {
    add(s) {
      pending.push(s.id, s.createdAt, s.userId, s.upn, s.app, s.ip, s.errorCode, s.conditionalAccess);
      rows += 1;
      if (rows === ROWS_PER_INSERT) {
        added += many.run(pending).changes;
        pending.length = 0;
        rows = 0;
      }
    },
    finish() {
      for (let i = 0; i < rows; i += 1) added += one.run(pending.slice(i * 8, i * 8 + 8)).changes;
      pending.length = 0;
      rows = 0;
    },
    get added() {
      return added;
    },
  };
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
