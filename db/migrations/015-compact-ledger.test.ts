import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPlace, registerSeal } from '../../app/inventory/inventory';
import { verifyStoredLedger } from '../../app/ledger/ledger';
import { openTestSession } from '../../test/support/session';
import { openDatabase } from '../connection';
import { readHead } from '../ledger';

/** Puts the ledger back in the layout migration 1 made (id, body, hex hash, stored seq and its indexes), as a schema-14 file has it. */
function asWrittenBySchema14(path: string, edit: (db: Database.Database) => void = () => undefined): void {
  const db = new Database(path);
  try {
    db.exec(`
      CREATE TABLE ledger_entries_old (
        id   INTEGER PRIMARY KEY,
        body TEXT    NOT NULL,
        hash TEXT    NOT NULL UNIQUE,
        seq  INTEGER NOT NULL UNIQUE GENERATED ALWAYS AS (json_extract(body, '$.seq')) STORED,
        kind TEXT    GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL
      ) STRICT;
      INSERT INTO ledger_entries_old (id, body, hash) SELECT seq, body, hash FROM ledger_entries ORDER BY seq;
      DROP TABLE ledger_entries;
      ALTER TABLE ledger_entries_old RENAME TO ledger_entries;
      CREATE INDEX ledger_entries_by_kind ON ledger_entries (kind);
      PRAGMA user_version = 14;
    `);
    edit(db);
  } finally {
    db.close();
  }
}

describe('migration 15: the compact ledger', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
    addPlace(s, { name: 'HQ safe A', site: 'HQ' });
    for (const serial of ['S-1', 'S-2', 'S-3']) registerSeal(s, { serial });
  });
  afterEach(() => s.close());

  const reopen = () => {
    s.db.close();
    s = { ...s, db: openDatabase(s.path) };
    return s.db;
  };

  it('carries every entry over, byte for byte, and the ledger still verifies to the same head', () => {
    const head = readHead(s.db);
    const bodies = s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq').pluck().all();
    s.db.close();
    asWrittenBySchema14(s.path);
    s = { ...s, db: openDatabase(s.path) };
    expect(s.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(15);
    expect(s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq').pluck().all()).toEqual(bodies);
    expect(readHead(s.db)).toEqual(head);
    expect(verifyStoredLedger(s.db, { expectHead: head.hash })).toMatchObject({ ok: true, entries: head.seq, headHash: head.hash });
    const indexes = s.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ledger_entries'").pluck().all();
    expect(indexes).toEqual(['ledger_entries_by_kind']);
    expect(() => s.db.prepare('DELETE FROM ledger_entries WHERE seq = 2').run()).toThrow(/append-only: DELETE refused/);
  });

  it('keeps an edit made in the old file visible: a stored hash that is not hex is named, not dropped', () => {
    s.db.close();
    asWrittenBySchema14(s.path, (db) => db.prepare("UPDATE ledger_entries SET hash = 'not a hash' WHERE seq = 3").run());
    s = { ...s, db: openDatabase(s.path) };
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'content_changed' });
  });

  it('refuses a row whose seq is not its body\'s, and a hash that is not 32 bytes', () => {
    const db = reopen();
    const body = db.prepare('SELECT body FROM ledger_entries WHERE seq = 2').pluck().get() as string;
    db.exec('DROP TRIGGER ledger_entries_no_delete');
    expect(() => db.prepare('INSERT INTO ledger_entries (seq, body, digest) VALUES (99, ?, zeroblob(32))').run(body)).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("INSERT INTO ledger_entries (seq, body, digest) VALUES (99, replace(?, '\"seq\":2', '\"seq\":99'), zeroblob(31))").run(body)).toThrow(/CHECK constraint failed/);
  });
});

