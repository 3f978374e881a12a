// How far this machine's cores run work side by side: the same CPU-bound work (SHA-256 of the same
// texts) on one thread, then on `threads` threads at once, each doing all of it. A machine whose
// cores scale fully gives `threads`; a virtual machine whose cores share hardware gives less, and
// no split of the ledger's walk can do better than that.
import { Worker } from 'node:worker_threads';
import { interleaved, median } from './measure';

const SOURCE = `
const { workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { texts, signal } = workerData;
const flags = new Int32Array(signal);
let round = 0;
for (;;) {
  Atomics.wait(flags, 0, round);
  round = Atomics.load(flags, 0);
  if (round < 0) break;
  for (const text of texts) hash('sha256', text, 'hex');
  Atomics.add(flags, 1, 1);
  Atomics.notify(flags, 1);
}
`;

/** Threads that hash `texts` each time they are told to; `run(k)` times k of them hashing at once. */
function hashingThreads(texts: readonly string[], count: number) {
  const signals = Array.from({ length: count }, () => new Int32Array(new SharedArrayBuffer(8)));
  const workers = signals.map((flags) => new Worker(SOURCE, { eval: true, workerData: { texts, signal: flags.buffer } }));
  let round = 0;
  return {
    run(k: number): void {
      round += 1;
      for (const flags of signals.slice(0, k)) {
        Atomics.store(flags, 0, round);
        Atomics.notify(flags, 0);
      }
      for (const flags of signals.slice(0, k)) {
        while (Atomics.load(flags, 1) < round) Atomics.wait(flags, 1, Atomics.load(flags, 1), 60_000);
      }
      // The threads that sat this round out count it as done too, so every count stays at `round`.
      for (const flags of signals.slice(k)) Atomics.store(flags, 1, round);
    },
    end(): Promise<number[]> {
      for (const flags of signals) {
        Atomics.store(flags, 0, -1);
        Atomics.notify(flags, 0);
      }
      return Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * The speed-up of `threads` threads hashing side by side over one thread hashing alone (each thread
 * doing the same work), as the median over interleaved rounds: `threads` where cores scale fully.
 */
export async function threadScaling(texts: readonly string[], threads: number): Promise<number> {
  const pool = hashingThreads(texts, threads);
  try {
    pool.run(threads);
    const times = interleaved({ one: () => pool.run(1), all: () => pool.run(threads) });
    return median(times.one.map((one, i) => (threads * one) / times.all[i]!));
  } finally {
    await pool.end();
  }
}
