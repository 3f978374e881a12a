import { describe, expect, it } from 'vitest';
import { nativeModulePaths } from './native-modules';

describe('where main finds its native addons', () => {
  it('loads a packaged app’s addons from resources/app.asar.unpacked', () => {
    expect(nativeModulePaths({ packaged: true, resourcesPath: '/opt/Keyward/resources', mainDir: '/opt/Keyward/resources/app.asar/dist/main' })).toEqual({
      sqliteBinding: '/opt/Keyward/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      pcscliteModule: '/opt/Keyward/resources/app.asar.unpacked/node_modules/pcsclite',
    });
  });

  it('loads a development run’s addons from the dist/native copies npm start compiles for Electron', () => {
    expect(nativeModulePaths({ packaged: false, resourcesPath: '/usr/lib/electron/resources', mainDir: '/src/keyward/dist/main' })).toEqual({
      sqliteBinding: '/src/keyward/dist/native/better-sqlite3/build/Release/better_sqlite3.node',
      pcscliteModule: '/src/keyward/dist/native/pcsclite',
    });
  });
});
