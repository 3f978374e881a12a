import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../test/support/session';
import { auditorDatabaseOf, checkAuditorDatabase } from './auditor-view';

describe("the desktop's way into Auditor mode", () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    dir = temporaryDirectory();
  });
  afterEach(() => dir.remove());

  it('takes the auditor database from --auditor FILE, --auditor=FILE or KEYWARD_AUDITOR_DB, and none otherwise', () => {
    expect(auditorDatabaseOf(['.', '--auditor', '/m/auditor.db'], {})).toBe('/m/auditor.db');
    expect(auditorDatabaseOf(['.', '--auditor=/m/a.db'], { KEYWARD_AUDITOR_DB: '/m/b.db' })).toBe('/m/a.db');
    expect(auditorDatabaseOf(['.'], { KEYWARD_AUDITOR_DB: '/m/b.db' })).toBe('/m/b.db');
    expect(auditorDatabaseOf(['.', '--no-sandbox'], { KEYWARD_AUDITOR_DB: '' })).toBeUndefined();
    expect(() => auditorDatabaseOf(['.', '--auditor'], {})).toThrow('--auditor needs the path of an auditor database');
    expect(() => auditorDatabaseOf(['.', '--auditor', '--no-sandbox'], {})).toThrow('--auditor needs the path');
  });

  it('refuses, before any window opens, a path that is missing or not an auditor database, and creates nothing', () => {
    expect(() => checkAuditorDatabase(join(dir.path, 'none.db'))).toThrow(/no auditor database at .*none\.db/);
    const other = join(dir.path, 'notes.txt');
    writeFileSync(other, 'not a database');
    expect(() => checkAuditorDatabase(other)).toThrow();
  });
});
