import type { Migration } from './index';

export const m011DrillStoreApart: Migration = {
  version: 11,
  name: 'drills: drill key material moves out of the custody file into the drill store',
  up(db) {
    // The drill store is attached as `drill` before migrations run (db/drill-store.ts).
    db.exec(`
      INSERT OR REPLACE INTO drill.drill_keys (authenticator_id, state) SELECT authenticator_id, state FROM main.drill_keys;
      INSERT OR REPLACE INTO drill.drill_custodian_keys (custodian_id, state) SELECT custodian_id, state FROM main.drill_custodian_keys;
      DROP TABLE main.drill_keys;
      DROP TABLE main.drill_custodian_keys;
    `);
  },
};
