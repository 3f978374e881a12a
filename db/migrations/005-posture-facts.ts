import type { Migration } from './index';

export const m005PostureFacts: Migration = {
  version: 5,
  name: 'posture: facts about the accounts and the organisation',
  up(db) {
    db.exec(`
      -- What custodians record (or import) about each emergency account; 'unknown' until someone does.
      CREATE TABLE account_facts (
        account_id        INTEGER PRIMARY KEY REFERENCES accounts (id),
        cloud_only        TEXT NOT NULL DEFAULT 'unknown' CHECK (cloud_only IN ('yes', 'no', 'unknown')),
        global_admin      TEXT NOT NULL DEFAULT 'unknown' CHECK (global_admin IN ('permanent', 'eligible', 'none', 'unknown')),
        ca_excluded       TEXT NOT NULL DEFAULT 'unknown' CHECK (ca_excluded IN ('yes', 'no', 'unknown')),
        phone_mfa         TEXT NOT NULL DEFAULT 'unknown' CHECK (phone_mfa IN ('yes', 'no', 'unknown')),
        per_user_mfa      TEXT NOT NULL DEFAULT 'unknown' CHECK (per_user_mfa IN ('yes', 'no', 'unknown')),
        personal_methods  TEXT NOT NULL DEFAULT 'unknown' CHECK (personal_methods IN ('yes', 'no', 'unknown')),
        mechanism         TEXT NOT NULL DEFAULT '',
        updated_at        TEXT NOT NULL
      ) STRICT;

      CREATE TABLE organisation_facts (
        id                 INTEGER PRIMARY KEY CHECK (id = 1),
        admin_mechanism    TEXT NOT NULL DEFAULT '',
        sign_in_monitoring TEXT NOT NULL DEFAULT 'unknown' CHECK (sign_in_monitoring IN ('yes', 'no', 'unknown')),
        ca_stance          TEXT NOT NULL DEFAULT 'exclude' CHECK (ca_stance IN ('exclude', 'phishing-resistant')),
        updated_at         TEXT NOT NULL
      ) STRICT;
    `);
  },
};
