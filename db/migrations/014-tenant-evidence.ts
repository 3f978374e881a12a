import type { Migration } from './index';

export const m014TenantEvidence: Migration = {
  version: 14,
  name: 'guidance: how long evidence stays fresh, and imported directory audit records',
  up(db) {
    db.exec(`
      -- A fact or an Entra import older than this many days leaves its rule stale, never passed.
      ALTER TABLE organisation_facts ADD COLUMN evidence_interval_days INTEGER NOT NULL DEFAULT 90 CHECK (evidence_interval_days BETWEEN 1 AND 365);

      -- Directory audit records (Graph directoryAudit) about the emergency accounts, their exclusion groups and Conditional Access.
      CREATE TABLE directory_audits (
        id               TEXT PRIMARY KEY,
        activity_at      TEXT NOT NULL,
        activity         TEXT NOT NULL,
        category         TEXT NOT NULL DEFAULT '',
        result           TEXT NOT NULL DEFAULT '',
        initiated_by     TEXT NOT NULL DEFAULT '',
        initiated_by_upn TEXT NOT NULL DEFAULT '',
        targets          TEXT NOT NULL DEFAULT '[]'
      ) STRICT;
      CREATE INDEX directory_audits_by_time ON directory_audits (activity_at);

      CREATE TABLE directory_audit_imports (
        sha256      TEXT PRIMARY KEY,
        file_name   TEXT    NOT NULL,
        records     INTEGER NOT NULL,
        added       INTEGER NOT NULL,
        imported_at TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
