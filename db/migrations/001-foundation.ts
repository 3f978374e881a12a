import type { Migration } from './index';

/** 'KYWD' — marks the file as Keyward's so a foreign SQLite file is refused, not migrated. */
export const KEYWARD_APPLICATION_ID = 0x4b595744;

export const m001Foundation: Migration = {
  version: 1,
  name: 'foundation: ledger and inventory',
  up(db) {
    db.exec(`
      PRAGMA application_id = ${KEYWARD_APPLICATION_ID};

      -- body is the canonical JSON of the entry without its hash, exactly the bytes that are
      -- hashed; seq and kind are derived from it, so they can never disagree with it.
      CREATE TABLE ledger_entries (
        id   INTEGER PRIMARY KEY,
        body TEXT    NOT NULL,
        hash TEXT    NOT NULL UNIQUE,
        seq  INTEGER NOT NULL UNIQUE GENERATED ALWAYS AS (json_extract(body, '$.seq')) STORED,
        kind TEXT    GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL
      ) STRICT;
      CREATE INDEX ledger_entries_by_kind ON ledger_entries (kind);
      CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: UPDATE refused'); END;
      CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: DELETE refused'); END;

      CREATE TABLE places (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        site       TEXT NOT NULL DEFAULT '',
        safe       TEXT NOT NULL DEFAULT '',
        slot       TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE accounts (
        id         INTEGER PRIMARY KEY,
        upn        TEXT NOT NULL UNIQUE,
        object_id  TEXT NOT NULL UNIQUE,
        label      TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE authenticators (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('fido2', 'smartcard')),
        label      TEXT NOT NULL UNIQUE COLLATE NOCASE,
        serial     TEXT NOT NULL DEFAULT '',
        state      TEXT NOT NULL DEFAULT 'in_safe' CHECK (state IN ('in_safe', 'checked_out', 'lost', 'retired')),
        place_id   INTEGER REFERENCES places (id),
        account_id INTEGER REFERENCES accounts (id),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE custodians (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE seals (
        id         INTEGER PRIMARY KEY,
        serial     TEXT NOT NULL UNIQUE,
        state      TEXT NOT NULL DEFAULT 'unused' CHECK (state IN ('unused', 'sealing', 'broken')),
        created_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
