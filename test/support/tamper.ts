import Database from 'better-sqlite3';

/**
 * Edits a Keyward database file the way an attacker with file access would: through a
 * separate connection, with the append-only triggers dropped and CHECK constraints ignored.
 */
export function tamper(path: string, edit: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete;');
    db.pragma('ignore_check_constraints = ON');
    edit(db);
  } finally {
    db.close();
  }
}

/** Swaps the contents of two ledger rows, so that each holds the other's entry. */
export function swapRows(db: Database.Database, a: number, b: number): void {
  db.prepare('UPDATE ledger_entries SET seq = -1 WHERE seq = ?').run(a);
  db.prepare('UPDATE ledger_entries SET seq = ? WHERE seq = ?').run(a, b);
  db.prepare('UPDATE ledger_entries SET seq = ? WHERE seq = -1').run(b);
}
