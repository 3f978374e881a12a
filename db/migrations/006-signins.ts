import type { Migration } from './index';

export const m006SignIns: Migration = {
  version: 6,
  name: 'sign-ins: imported Entra sign-in records and the files they came from',
  up(db) {
    db.exec(`
      CREATE TABLE signins (
        id                 TEXT PRIMARY KEY,
        created_at         TEXT    NOT NULL,
        user_id            TEXT    NOT NULL,
        upn                TEXT    NOT NULL DEFAULT '',
        app                TEXT    NOT NULL DEFAULT '',
        ip                 TEXT    NOT NULL DEFAULT '',
        error_code         INTEGER NOT NULL,
        conditional_access TEXT    NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX signins_by_user ON signins (user_id, created_at);

      CREATE TABLE signin_imports (
        sha256      TEXT PRIMARY KEY,
        file_name   TEXT    NOT NULL,
        records     INTEGER NOT NULL,
        added       INTEGER NOT NULL,
        imported_at TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
