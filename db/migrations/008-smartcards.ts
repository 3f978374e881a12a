import type { Migration } from './index';

export const m008Smartcards: Migration = {
  version: 8,
  name: 'smartcards: PIV card identity and certificates, expiry window',
  up(db) {
    db.exec(`
      -- What Keyward read from an enrolled PIV card, and its state at the last presence check.
      CREATE TABLE smartcards (
        authenticator_id                INTEGER PRIMARY KEY REFERENCES authenticators (id),
        guid                            TEXT NOT NULL UNIQUE CHECK (length(guid) = 32),
        authentication_certificate      TEXT NOT NULL,
        card_authentication_certificate TEXT,
        known                           TEXT NOT NULL,
        not_after                       TEXT NOT NULL,
        enrolled_at                     TEXT NOT NULL,
        last_checked_at                 TEXT,
        last_result                     TEXT CHECK (last_result IN ('ok', 'anomaly', 'missing'))
      ) STRICT;

      -- Certificates expiring within this many days are a posture finding (one validation cycle).
      ALTER TABLE organisation_facts ADD COLUMN expiry_window_days INTEGER NOT NULL DEFAULT 90 CHECK (expiry_window_days BETWEEN 1 AND 730);
    `);
  },
};
