import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { seededRandom } from '../support/random';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { verifyLedger } from '../../db/ledger';
import { temporaryDirectory } from '../support/session';

const ROUNDS = 20;
/** How long a writer may take to start (tsx compiles it first) before it is killed and the round fails. */
const READY_LIMIT_MS = 30_000;
const writer = new URL('../support/ledger-writer.ts', import.meta.url).pathname;


/** Writers still running: each round kills its own, and the afterAll any that a failed round left. */
const running = new Set<ChildProcess>();

/**
 * Starts the writer, lets it run for `afterMs` once it is ready, SIGKILLs it, returns the
 * acknowledged seqs. A writer that is not ready within the limit is killed too, and the round fails.
 */
function runAndKill(path: string, round: number, afterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const acked: number[] = [];
    let pending = '';
    let stderr = '';
    let ready = false;
    const notReady = setTimeout(() => child.kill('SIGKILL'), READY_LIMIT_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready' && !ready) {
          ready = true;
          clearTimeout(notReady);
          setTimeout(() => child.kill('SIGKILL'), afterMs);
        } else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.on('error', (error) => {
      clearTimeout(notReady);
      running.delete(child);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(notReady);
      running.delete(child);
      if (!ready) reject(new Error(`writer was not ready within ${READY_LIMIT_MS / 1000} s (${code ?? signal}): ${stderr}`));
      else if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  const dir = temporaryDirectory();
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
    dir.remove();
  });

  it(`keeps every acknowledged entry and a valid chain across ${ROUNDS} SIGKILLs at random moments`, async () => {
    const path = join(dir.path, 'crash.db');
    const random = seededRandom(20261125);
    let allAcked: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const acked = await runAndKill(path, round, Math.floor(random() * 150));
      allAcked = allAcked.concat(acked);
      const db = openDatabase(path);
      try {
        const result = verifyLedger(db);
        expect(result.ok, `round ${round}: ${result.message}`).toBe(true);
        const maxAcked = Math.max(0, ...allAcked);
        expect(result.headSeq, `round ${round}: an acknowledged entry was lost`).toBeGreaterThanOrEqual(maxAcked);
        const seals = db.prepare('SELECT count(*) FROM seals').pluck().get() as number;
        const sealEntries = db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'seal.registered'").pluck().get() as number;
        expect(seals, `round ${round}: inventory and ledger disagree`).toBe(sealEntries);
      } finally {
        db.close();
      }
    }
    expect(allAcked.length).toBeGreaterThan(ROUNDS);
    const db = openDatabase(path);
    const present = new Set(db.prepare('SELECT seq FROM ledger_entries').pluck().all() as number[]);
    db.close();
    expect(allAcked.filter((seq) => !present.has(seq))).toEqual([]);
  }, 120_000);
});
