import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../build/scripts/build-cli.mjs';
import { initDatabase } from '../../app/keyward';
import { RUN_COUNTERS, type RunOutcome, type RunsJob } from '../../app/ledger/ledger-runs-job';
import { appendEntry } from '../../db/ledger';
import { killAfter } from '../support/children';

// The walking threads of a split verification as the bundles run them: the command line's
// (dist/cli/ledger-walk-worker.mjs beside keyward.mjs) and the desktop's (a file of its own that
// the packaged app unpacks from its archive, where no node_modules can be reached).

const root = fileURLToPath(new URL('../..', import.meta.url));
const threads = Math.min(8, availableParallelism());
const actor = { role: 'operator' as const, name: 'bundles' };
const clock = { now: () => new Date(Date.UTC(2026, 0, 1)), utcOffsetMinutes: () => 60 };

let stage: string;
let ledger: string;
beforeAll(() => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  // Inside the repository, so that the command line's bundle finds node_modules as dist/cli does.
  stage = mkdtempSync(join(root, '.tmp', 'walkers-'));
  ledger = join(stage, 'ledger.db');
  const { db } = initDatabase(ledger, clock, actor);
  // Past the size from which a verification is split (50,000 entries).
  db.transaction(() => {
    for (let i = 2; i <= 60_000; i += 1) appendEntry(db, { kind: 'presence.checked', actors: [actor], payload: { label: `YK-${i % 200}`, result: 'ok', drill: false } }, { recordedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), utcOffset: '+01:00' });
  })();
  db.close();
}, 120_000);
afterAll(() => rmSync(stage, { recursive: true, force: true }));

describe('the walking threads as the bundles run them', () => {
  it.skipIf(threads < 2)('the command line bundle verifies a large ledger on one thread per core', async () => {
    const out = join(stage, 'cli');
    await build({ ...cliBuildOptions(out), logLevel: 'silent' });
    // What cli/bin/keyward.mjs does with the bundle: runCli with the process's streams.
    const bin = join(out, 'bin.mjs');
    writeFileSync(bin, "const { runCli } = await import('./keyward.mjs');\nprocess.exitCode = await runCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env, platform: process.platform, home: process.cwd(), username: 'tester', stderrIsTerminal: false });\n");
    const run = spawnSync(process.execPath, [bin, '--db', ledger, 'ledger', 'verify'], { encoding: 'utf8', ...killAfter(120_000) });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`ledger OK: 60000 entries verified in the database (on ${threads} threads)`);
    expect(run.status).toBe(0);
  }, 180_000);

  it('the desktop bundle of the walking thread runs with no node_modules in reach, its addon given by path', async () => {
    execFileSync(process.execPath, ['build/scripts/build.mjs', '--only=main', `--out=${join(stage, 'dist')}`], { cwd: root, ...killAfter(120_000) });
    // As the packaged app has it: resources/app.asar.unpacked/dist/main, outside any folder with node_modules.
    const alone = mkdtempSync(join(tmpdir(), 'keyward-unpacked-'));
    try {
      const script = join(alone, 'resources', 'app.asar.unpacked', 'dist', 'main', 'ledger-walk-worker.cjs');
      mkdirSync(join(script, '..'), { recursive: true });
      copyFileSync(join(stage, 'dist', 'main', 'ledger-walk-worker.cjs'), script);
      const outcomes = await walkWith(script, { headSeq: 60_000, runLength: 20_000, nativeBinding: join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node') });
      expect(outcomes.map((o) => (typeof o === 'string' ? o : o.lastSeq))).toEqual([20_000, 40_000, 60_000]);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  }, 180_000);
});

/** Starts the thread from `script` as app/ledger/ledger-walkers.ts does, sends it one job over the ledger and gathers every run's outcome. */
async function walkWith(script: string, job: Pick<RunsJob, 'headSeq' | 'runLength' | 'nativeBinding'>): Promise<RunOutcome[]> {
  const jobs = new MessageChannel();
  const results = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(script, { execArgv: [], workerData: { jobs: jobs.port2, results: results.port2, ready: ready.buffer }, transferList: [jobs.port2, results.port2] });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  try {
    const runs = Math.ceil(job.headSeq / job.runLength);
    const counters = new Int32Array(new SharedArrayBuffer(16));
    jobs.port1.postMessage({ id: 1, file: ledger, shownKinds: [], runs, ahead: runs, idleMs: 60_000, counters: counters.buffer, ...job } satisfies RunsJob);
    const outcomes: RunOutcome[] = [];
    while (outcomes.length < runs) {
      await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 20))]);
      for (let m = receiveMessageOnPort(results.port1); m; m = receiveMessageOnPort(results.port1)) {
        const posted = m.message as { index: number; outcome: RunOutcome };
        outcomes[posted.index] = posted.outcome;
      }
      if (Atomics.load(counters, RUN_COUNTERS.DONE) === runs && outcomes.filter(Boolean).length === runs) break;
    }
    return outcomes;
  } finally {
    await worker.terminate();
  }
}
