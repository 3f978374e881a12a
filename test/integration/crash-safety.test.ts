import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { seededRandom } from '../support/random';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { verifyLedger } from '../../db/ledger';
import { temporaryDirectory } from '../support/session';

const ROUNDS = 20;
const writer = new URL('../support/ledger-writer.ts', import.meta.url).pathname;


/** Starts the writer, lets it run for `afterMs` once it is ready, SIGKILLs it, returns the acknowledged seqs. */
function runAndKill(path: string, round: number, afterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), afterMs);
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('crash safety', () => {
  const dir = temporaryDirectory();
  afterAll(() => dir.remove());

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
