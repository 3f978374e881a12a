import Database from 'better-sqlite3';

/**
 * Edits a Keyward database file the way an attacker with file access would: through a
 * separate connection, with the append-only triggers dropped first.
 */
export function tamper(path: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete;');
    edit(db);
  } finally {
    db.close();
  }
}
