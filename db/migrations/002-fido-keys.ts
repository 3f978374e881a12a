import type { Migration } from './index';

export const m002FidoKeys: Migration = {
  version: 2,
  name: 'FIDO2 keys: enrolled credentials, last known state, drill keys',
  up(db) {
    db.exec(`
      ALTER TABLE authenticators ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1));

      -- The credential Keyward enrolled on a FIDO2 key (under its own RP ID) and what the key
      -- said at enrolment or at its last presence check.
      CREATE TABLE fido_credentials (
        authenticator_id INTEGER PRIMARY KEY REFERENCES authenticators (id),
        rp_id            TEXT    NOT NULL,
        credential_id    TEXT    NOT NULL UNIQUE,
        public_key       TEXT    NOT NULL,
        aaguid           TEXT    NOT NULL,
        model            TEXT    NOT NULL,
        enrolled_at      TEXT    NOT NULL,
        sign_count       INTEGER NOT NULL,
        pin_retries      INTEGER,
        get_info         TEXT    NOT NULL,
        last_checked_at  TEXT,
        last_result      TEXT    CHECK (last_result IN ('ok', 'anomaly', 'missing'))
      ) STRICT;

      -- Software keys for drills, kept so that later commands find the same key.
      CREATE TABLE drill_keys (
        authenticator_id INTEGER PRIMARY KEY REFERENCES authenticators (id),
        state            TEXT NOT NULL
      ) STRICT;
    `);
  },
};
