import type { Migration } from './index';

export const m013FidoMetadata: Migration = {
  version: 13,
  name: 'FIDO Metadata (MDS3): imported BLOBs, the statements kept from the newest, and each key\'s genuineness',
  up(db) {
    db.exec(`
      -- Every BLOB imported, by serial number: a lower one than the newest is a rollback and refused.
      CREATE TABLE metadata_blobs (
        no           INTEGER PRIMARY KEY CHECK (no >= 0),
        next_update  TEXT    NOT NULL,
        sha256       TEXT    NOT NULL,
        signer       TEXT    NOT NULL,
        entries      INTEGER NOT NULL,
        imported_at  TEXT    NOT NULL,
        ledger_seq   INTEGER NOT NULL
      ) STRICT;

      -- The statements of the newest BLOB, one row per FIDO2 model.
      CREATE TABLE metadata_entries (
        aaguid                 TEXT    PRIMARY KEY,
        description            TEXT    NOT NULL,
        authenticator_version  INTEGER,
        attestation_roots      TEXT    NOT NULL,
        status_reports         TEXT    NOT NULL,
        blob_no                INTEGER NOT NULL REFERENCES metadata_blobs (no)
      ) STRICT;

      -- What enrolment found of a FIDO2 key's attestation: genuine, not genuine (accepted by two
      -- custodians), not listed in the metadata, or not checked (no metadata).
      CREATE TABLE authenticator_genuineness (
        authenticator_id  INTEGER PRIMARY KEY REFERENCES authenticators (id),
        verdict           TEXT    NOT NULL CHECK (verdict IN ('genuine', 'not_genuine', 'unlisted', 'unchecked')),
        text              TEXT    NOT NULL,
        blob_no           INTEGER,
        ledger_seq        INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
