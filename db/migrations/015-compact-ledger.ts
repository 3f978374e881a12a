import type { Migration } from './index';

/**
 * The ledger in about 1.2x its canonical bytes instead of 1.7x: the seq is the row's key (it was
 * a stored copy of the body's seq with an index of its own), the hash is kept as its 32 bytes (the
 * hex form stays readable as the virtual column `hash`), and the unique index on the hash is gone.
 * Verification gives what those indexes gave: every row's seq must be its body's, the walk in seq
 * order must meet 1, 2, 3, … and each hash is the SHA-256 of its body, chained to the next entry,
 * so no seq and no hash can appear twice in a ledger that verifies. The index on kind stays:
 * findings, status and reports ask for entries by kind.
 */
export const m015CompactLedger: Migration = {
  version: 15,
  name: 'ledger: seq as the row key, the hash as 32 bytes, no index that verification already gives',
  up(db) {
    db.exec(`
      CREATE TABLE ledger_entries_compact (
        seq    INTEGER PRIMARY KEY CHECK (seq = json_extract(body, '$.seq')),
        body   TEXT    NOT NULL,
        digest BLOB    NOT NULL CHECK (length(digest) = 32),
        hash   TEXT    GENERATED ALWAYS AS (lower(hex(digest))) VIRTUAL,
        kind   TEXT    GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL
      ) STRICT;
      -- A stored hash that is not 64 hex digits (edited in the file) becomes zeros, which
      -- verification then names as an entry whose content no longer matches its hash.
      INSERT INTO ledger_entries_compact (seq, body, digest)
        SELECT seq, body, CASE WHEN length(hash) = 64 AND unhex(hash) IS NOT NULL THEN unhex(hash) ELSE zeroblob(32) END
        FROM ledger_entries ORDER BY id;
      DROP TABLE ledger_entries;
      ALTER TABLE ledger_entries_compact RENAME TO ledger_entries;
      CREATE INDEX ledger_entries_by_kind ON ledger_entries (kind);
      CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: UPDATE refused'); END;
      CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: DELETE refused'); END;
    `);
  },
};
