import type { Migration } from './index';

export const m010SealedItems: Migration = {
  version: 10,
  name: 'seals: the seal each item in the safe is stored under',
  up(db) {
    db.exec(`
      -- The serial of the seal bag an item is stored under; a checkout must break this one.
      ALTER TABLE authenticators ADD COLUMN seal_serial TEXT;
      CREATE UNIQUE INDEX authenticators_one_item_per_seal ON authenticators (seal_serial) WHERE seal_serial IS NOT NULL;
    `);
  },
};
