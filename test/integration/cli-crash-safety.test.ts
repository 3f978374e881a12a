import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { verifyStoredLedger } from '../../app/ledger/ledger';
import { killAfter } from '../support/children';
import { seededRandom } from '../support/random';
import { temporaryDirectory } from '../support/session';

const ROUNDS = 30;
const bin = new URL('../../cli/bin/keyward.mjs', import.meta.url).pathname;

/** Runs the keyward bin as a person would and SIGKILLs it after `killAfterMs`: whether it acknowledged the write first. */
function runAndKill(db: string, serial: string, killAfterMs: number): Promise<{ acknowledged: boolean; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--db', db, 'seal', 'add', '--serial', serial], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ acknowledged: code === 0 && stdout.includes(`registered seal ${serial}`), killed: signal === 'SIGKILL' });
    });
  });
}

describe('the command line under SIGKILL', () => {
  const dir = temporaryDirectory('keyward-cli-crash-');
  afterAll(() => dir.remove());

  it(`keeps every write the bin acknowledged, and a valid ledger, across ${ROUNDS} kills timed around its own start-up`, async () => {
    const db = join(dir.path, 'crash.db');
    expect(spawnSync(process.execPath, [bin, '--db', db, 'init'], killAfter(25_000)).status).toBe(0);
    // The kill window spans the bin's own start-up and its write, so some runs die before and some after acknowledging.
    const started = performance.now();
    expect(spawnSync(process.execPath, [bin, '--db', db, 'seal', 'add', '--serial', 'WARM-UP'], killAfter(25_000)).status).toBe(0);
    const oneRunMs = performance.now() - started;
    const random = seededRandom(20261202);
    const acknowledged: string[] = ['WARM-UP'];
    let killedFirst = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const serial = `K-${round}`;
      const outcome = await runAndKill(db, serial, Math.floor(random() * oneRunMs * 2));
      if (outcome.acknowledged) acknowledged.push(serial);
      else if (outcome.killed) killedFirst += 1;
    }
    console.log(`[cli-crash] one run ${Math.round(oneRunMs)} ms; ${acknowledged.length - 1} acknowledged, ${killedFirst} killed before acknowledging`);
    expect(acknowledged.length - 1, 'no run lived to acknowledge: the kill window is shorter than start-up').toBeGreaterThan(0);
    expect(killedFirst, 'no run was killed before acknowledging: the test proves nothing').toBeGreaterThan(0);
    const opened = openDatabase(db);
    try {
      expect(verifyStoredLedger(opened)).toMatchObject({ ok: true });
      const seals = new Set(opened.prepare('SELECT serial FROM seals').pluck().all() as string[]);
      expect(acknowledged.filter((serial) => !seals.has(serial))).toEqual([]);
    } finally {
      opened.close();
    }
  }, 120_000);
});
