import { join } from 'node:path';

/**
 * Where Keyward keeps its database when no --db / KEYWARD_DB is given. The Electron shell sets
 * its userData directory to this same folder, so the app and the CLI share one ledger.
 */
export function defaultDataDirectory(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Keyward');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keyward');
  const dataHome = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(dataHome, 'keyward');
}

export const DATABASE_FILE_NAME = 'keyward.db';

/** --db wins over KEYWARD_DB, which wins over the platform default. */
export function resolveDatabasePath(flag: string | undefined, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (flag) return flag;
  if (env.KEYWARD_DB) return env.KEYWARD_DB;
  return join(defaultDataDirectory(platform, env, home), DATABASE_FILE_NAME);
}
