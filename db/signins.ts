import type { CheckoutWindow, SignIn } from '../core/guidance/signins';
import type { KeywardDatabase } from './connection';

/** Adds a sign-in unless one with its id is already kept; says whether it was new. */
export function insertSignIn(db: KeywardDatabase, s: SignIn): boolean {
  const { changes } = db
    .prepare('INSERT OR IGNORE INTO signins (id, created_at, user_id, upn, app, ip, error_code, conditional_access) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(s.id, s.createdAt, s.userId, s.upn, s.app, s.ip, s.errorCode, s.conditionalAccess);
  return changes === 1;
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
