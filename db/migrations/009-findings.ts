import type { Migration } from './index';

export const m009Findings: Migration = {
  version: 9,
  name: 'findings: how often each item must be checked and the network paths proved',
  up(db) {
    db.exec(`
      -- Days between an item's presence checks, and between met network-path proofs; past it, a finding opens.
      ALTER TABLE organisation_facts ADD COLUMN check_interval_days INTEGER NOT NULL DEFAULT 90 CHECK (check_interval_days BETWEEN 1 AND 365);
    `);
  },
};
