import type { Migration } from './index';

export const m007AccountGroups: Migration = {
  version: 7,
  name: 'posture: the groups an emergency account belongs to (for exclusions by group)',
  up(db) {
    db.exec(`ALTER TABLE account_facts ADD COLUMN groups TEXT NOT NULL DEFAULT '[]';`);
  },
};
