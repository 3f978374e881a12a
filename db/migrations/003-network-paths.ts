import type { Migration } from './index';

export const m003NetworkPaths: Migration = {
  version: 3,
  name: 'network paths: classification overrides',
  up(db) {
    db.exec(`
      -- A custodian's word on what an interface is, where the operating system's description misleads
      -- (a USB modem that presents itself as Ethernet, say).
      CREATE TABLE netpath_overrides (
        interface TEXT PRIMARY KEY,
        class     TEXT NOT NULL CHECK (class IN ('wired', 'wifi', 'cellular', 'virtual', 'loopback')),
        note      TEXT NOT NULL DEFAULT '',
        set_at    TEXT NOT NULL
      ) STRICT;
    `);
  },
};
