import type { Migration } from './index';

export const m004Custody: Migration = {
  version: 4,
  name: 'custody: custodians\' own keys, checkouts and returns',
  up(db) {
    db.exec(`
      ALTER TABLE custodians ADD COLUMN deactivated_at TEXT;

      -- Each custodian's own FIDO2 key, enrolled under Keyward's RP ID; approvals are signed with it.
      CREATE TABLE custodian_credentials (
        custodian_id  INTEGER PRIMARY KEY REFERENCES custodians (id),
        credential_id TEXT    NOT NULL UNIQUE,
        public_key    TEXT    NOT NULL,
        aaguid        TEXT    NOT NULL,
        model         TEXT    NOT NULL,
        sign_count    INTEGER NOT NULL,
        simulated     INTEGER NOT NULL CHECK (simulated IN (0, 1)),
        enrolled_at   TEXT    NOT NULL
      ) STRICT;

      CREATE TABLE drill_custodian_keys (
        custodian_id INTEGER PRIMARY KEY REFERENCES custodians (id),
        state        TEXT NOT NULL
      ) STRICT;

      CREATE TABLE checkouts (
        id                 INTEGER PRIMARY KEY,
        authenticator_id   INTEGER NOT NULL REFERENCES authenticators (id),
        custodian_id       INTEGER NOT NULL REFERENCES custodians (id),
        witness_id         INTEGER REFERENCES custodians (id),
        reason             TEXT    NOT NULL CHECK (reason IN ('drill', 'emergency', 'maintenance', 'audit')),
        ticket             TEXT    NOT NULL DEFAULT '',
        expected_return_at TEXT    NOT NULL,
        broken_seal        TEXT    NOT NULL,
        seal_intact        INTEGER NOT NULL CHECK (seal_intact IN (0, 1)),
        checked_out_at     TEXT    NOT NULL,
        checkout_seq       INTEGER NOT NULL,
        countersign_seq    INTEGER,
        returned_at        TEXT,
        return_seq         INTEGER,
        return_seal        TEXT
      ) STRICT;
      CREATE UNIQUE INDEX checkouts_one_open_per_item ON checkouts (authenticator_id) WHERE returned_at IS NULL;
    `);
  },
};
