import { describe, expect, it } from 'vitest';
import { defaultDataDirectory, resolveDatabasePath } from './paths';

describe('where the database lives', () => {
  it('uses the platform data folder by default, the same one the app uses', () => {
    expect(resolveDatabasePath(undefined, {}, 'linux', '/home/ana')).toBe('/home/ana/.local/share/keyward/keyward.db');
    expect(resolveDatabasePath(undefined, { XDG_DATA_HOME: '/data/ana' }, 'linux', '/home/ana')).toBe('/data/ana/keyward/keyward.db');
    expect(resolveDatabasePath(undefined, {}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/Keyward/keyward.db');
    expect(defaultDataDirectory('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toMatch(/Roaming[\\/]Keyward$/);
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG specification says', () => {
    expect(defaultDataDirectory('linux', { XDG_DATA_HOME: 'relative/dir' }, '/home/ana')).toBe('/home/ana/.local/share/keyward');
  });

  it('lets KEYWARD_DB override the default and --db override both', () => {
    expect(resolveDatabasePath(undefined, { KEYWARD_DB: '/srv/k.db' }, 'linux', '/home/ana')).toBe('/srv/k.db');
    expect(resolveDatabasePath('/tmp/flag.db', { KEYWARD_DB: '/srv/k.db' }, 'linux', '/home/ana')).toBe('/tmp/flag.db');
  });
});
