import type { ChildProcess } from 'node:child_process';

/**
 * Options that bound a child process a test starts: once it outlives `ms` it is killed with
 * SIGKILL, which nothing can ignore. A synchronous call (execFileSync, spawnSync) needs this
 * most: while it waits, the worker's event loop is stopped, and with it the test's own timeout.
 */
export const killAfter = (ms: number) => ({ timeout: ms, killSignal: 'SIGKILL' as const });

/** Whether a child has ended, by exit or by signal (a killed child has no exit code). */
export const ended = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/**
 * Ends a child: SIGTERM, then SIGKILL if it is still there after `graceMs`. Resolves once it
 * has ended, and at the latest after the grace and one more second, whatever the child does.
 */
export function endChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (ended(child) || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(hard);
      clearTimeout(last);
      resolve();
    };
    child.once('exit', done);
    const hard = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const last = setTimeout(done, graceMs + 1_000);
    child.kill('SIGTERM');
  });
}
