import { join } from 'node:path';

/** Where main loads its native addons from: never from a path the environment names. */
export interface NativeModulePaths {
  /** better-sqlite3's compiled addon, handed to the database as its `nativeBinding`. */
  readonly sqliteBinding: string;
  /** The `pcsclite` module folder (its JavaScript and its addon), required when a card is first needed. */
  readonly pcscliteModule: string;
}

export interface NativeModuleLocation {
  /** `app.isPackaged`. */
  readonly packaged: boolean;
  /** `process.resourcesPath`: the folder that holds app.asar and app.asar.unpacked. */
  readonly resourcesPath: string;
  /** The folder of the built main bundle (dist/main). */
  readonly mainDir: string;
}

/**
 * A packaged app loads the addons electron-builder rebuilt for Electron and unpacked from the
 * asar (resources/app.asar.unpacked/node_modules); a development run loads the copies `npm start`
 * compiled for Electron into dist/native (build/scripts/start.mjs). The builds in node_modules are
 * for Node (the CLI and the tests) and would not load in Electron.
 */
export function nativeModulePaths(location: NativeModuleLocation): NativeModulePaths {
  const modules = location.packaged ? join(location.resourcesPath, 'app.asar.unpacked', 'node_modules') : join(location.mainDir, '..', 'native');
  return {
    sqliteBinding: join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    pcscliteModule: join(modules, 'pcsclite'),
  };
}
