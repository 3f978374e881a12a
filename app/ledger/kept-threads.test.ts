import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { drainResults, endThreads, startKeptThreads } from './kept-threads';

/** A thread that answers each job with its id and the tag it was started with, then counts it as done. */
const ECHO = {
  source: `
const { workerData } = require('node:worker_threads');
const { jobs, results, tag, done } = workerData;
const counter = new Int32Array(done);
jobs.on('message', (job) => {
  results.postMessage({ id: job.id, tag, thread: job.thread });
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
`,
  eval: true,
};

/** Waits, as a verification does, until the threads have answered `count` jobs in all. */
function awaitDone(counter: Int32Array, count: number): void {
  for (let seen = Atomics.load(counter, 0); seen < count; seen = Atomics.load(counter, 0)) {
    if (Atomics.wait(counter, 0, seen, 10_000) === 'timed-out') throw new Error('the threads went silent');
  }
}

describe('kept threads', () => {
  it('gives each thread its own ports beside the shared data, and drains only the results of the id asked for', () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const threads = startKeptThreads(ECHO, 2, { tag: 'kept', done: counter.buffer });
    try {
      expect(threads).toHaveLength(2);
      threads[0]!.jobs.postMessage({ id: 1, thread: 0 });
      threads[1]!.jobs.postMessage({ id: 2, thread: 1 });
      threads[1]!.jobs.postMessage({ id: 1, thread: 1 });
      awaitDone(counter, 3);
      const taken: unknown[] = [];
      drainResults<{ id: number }>(threads, (result) => result.id === 1, (result) => taken.push(result));
      // Thread by thread, each in the order it posted; the other id's result is not handed on.
      expect(taken).toEqual([
        { id: 1, tag: 'kept', thread: 0 },
        { id: 1, tag: 'kept', thread: 1 },
      ]);
      // What was drained, taken or not, is gone: a later drain does not read it again.
      drainResults(threads, () => true, (result) => taken.push(result));
      expect(taken).toHaveLength(2);
    } finally {
      endThreads(threads);
    }
  });

  it('ends every thread it started', async () => {
    const threads = startKeptThreads(ECHO, 2, { tag: 'ended', done: new SharedArrayBuffer(4) });
    const exits = threads.map(({ worker }) => once(worker, 'exit'));
    endThreads(threads);
    await Promise.all(exits);
    expect(threads.map(({ worker }) => worker.threadId)).toEqual([-1, -1]);
  });
});
