import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignIn } from '../core/guidance/signins';
import { openTestSession } from '../test/support/session';
import { signInWriter, signInsOfUsers } from './signins';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const OTHER = '00000001-0000-0000-0000-000000000000';
const signIn = (i: number): SignIn => ({
  id: `r${i}`,
  createdAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
  userId: i % 10 === 0 ? BG1 : OTHER,
  upn: 'someone@contoso.com',
  app: 'Azure Portal',
  ip: '198.51.100.7',
  errorCode: 0,
  conditionalAccess: 'notApplied',
});

describe('writing sign-ins in bulk', () => {
  let s: ReturnType<typeof openTestSession>;
  const indexSql = () => s.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'signins_by_user'").pluck().get();
  const kept = () => s.db.prepare('SELECT count(*) FROM signins').pluck().get();
  const cacheSize = () => s.db.pragma('cache_size', { simple: true });
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('drops the by-user index once a large import passes its threshold and builds it again, as the migration wrote it, at the end', () => {
    const migrated = indexSql();
    const cache = cacheSize();
    let droppedWhileWriting = false;
    s.db.transaction(() => {
      const writer = signInWriter(s.db, 256);
      for (let i = 0; i < 1000; i += 1) {
        writer.add(signIn(i));
        if (i === 700) droppedWhileWriting = indexSql() === undefined;
      }
      writer.finish();
      writer.release();
      expect(writer.added).toBe(1000);
    })();
    expect(droppedWhileWriting).toBe(true);
    expect(indexSql()).toBe(migrated);
    expect(cacheSize()).toBe(cache);
    expect(signInsOfUsers(s.db, [BG1]).map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => `r${i * 10}`));
    expect(s.db.prepare('EXPLAIN QUERY PLAN SELECT id FROM signins WHERE user_id = ? ORDER BY created_at').all(BG1)).toEqual([expect.objectContaining({ detail: expect.stringContaining('signins_by_user') })]);
  });

  it('undoes the index drop with the rows when the import fails after it', () => {
    const migrated = indexSql();
    expect(() =>
      s.db.transaction(() => {
        const writer = signInWriter(s.db, 256);
        try {
          for (let i = 0; i < 1000; i += 1) writer.add(signIn(i));
          throw new Error('a bad record');
        } finally {
          writer.release();
        }
      })(),
    ).toThrow('a bad record');
    expect(kept()).toBe(0);
    expect(indexSql()).toBe(migrated);
  });

  it('keeps the index up row by row when an import is smaller than what is already kept', () => {
    const write = (from: number, to: number, watch: () => void) =>
      s.db.transaction(() => {
        const writer = signInWriter(s.db, 256);
        for (let i = from; i < to; i += 1) {
          writer.add(signIn(i));
          if (i % 128 === 127) watch();
        }
        writer.finish();
        writer.release();
        return writer.added;
      })();
    expect(write(0, 2000, () => undefined)).toBe(2000);
    expect(write(1500, 3000, () => expect(indexSql()).toBeDefined())).toBe(1000);
    expect(kept()).toBe(3000);
  });
});
