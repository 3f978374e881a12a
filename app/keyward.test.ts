import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entriesOfKinds, readHead } from '../db/ledger';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { initDatabase } from './keyward';

const dir = temporaryDirectory('keyward-init-');
afterAll(() => dir.remove());
const actor = { role: 'operator' as const, name: 'Alice Example' };

describe('a new Keyward database', () => {
  it('starts its ledger with a creation entry whose hash no other room shares, even one set up at the same instant by the same person', () => {
    const first = initDatabase(join(dir.path, 'hq.db'), steppingClock(), actor);
    const second = initDatabase(join(dir.path, 'dr.db'), steppingClock(), actor);
    try {
      const [a] = entriesOfKinds(first.db, ['ledger.created']);
      const [b] = entriesOfKinds(second.db, ['ledger.created']);
      expect(a!.recordedAt).toBe(b!.recordedAt);
      expect(a!.payload).toMatchObject({ siteNonce: expect.stringMatching(/^[0-9a-f]{32}$/) });
      // The first entry's hash is the site's identity in audit bundles.
      expect(a!.hash).not.toBe(b!.hash);
    } finally {
      first.db.close();
      second.db.close();
    }
  });

  it('is opened again unchanged: one creation entry, the same head', () => {
    const path = join(dir.path, 'again.db');
    const { db, created } = initDatabase(path, steppingClock(), actor);
    const head = readHead(db);
    db.close();
    const reopened = initDatabase(path, steppingClock(), actor);
    expect([created, reopened.created]).toEqual([true, false]);
    expect(readHead(reopened.db)).toEqual(head);
    reopened.db.close();
  });
});
