import { runCli } from '../../cli/main';
import type { Clock } from '../../app/ports';
import { steppingClock } from './session';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The keyward CLI, run in-process against one database file, as a person at a terminal would. */
export function keywardAt(dbPath: string, home: string, clock: Clock | (() => Clock) = steppingClock) {
  const fixed = typeof clock === 'function' ? undefined : clock;
  return async (...args: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['--db', dbPath, ...args],
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, platform: 'linux', home, username: 'tester' },
      fixed ?? (clock as () => Clock)(),
    );
    return { code, stdout, stderr };
  };
}
