import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ThreadScript } from './thread-script';

/**
 * One of the threads a verification keeps for the next (the ledger's walking threads, the
 * signature checking threads): jobs go to it on one port, and its results come back on another,
 * which the verification reads with receiveMessageOnPort while it waits on a shared counter (its
 * event loop is not running meanwhile).
 */
export interface KeptThread {
  readonly worker: Worker;
  readonly jobs: MessagePort;
  readonly results: MessagePort;
}

/**
 * Starts `count` threads from `script`, each given its own ends of the two ports as `jobs` and
 * `results` in workerData, beside `data` (the counters they share with this thread). The caller
 * keeps them in a module variable between verifications and decides when they are ended.
 */
export function startKeptThreads(script: ThreadScript, count: number, data: Readonly<Record<string, unknown>>): KeptThread[] {
  const started: KeptThread[] = [];
  for (let i = 0; i < count; i += 1) {
    const jobs = new MessageChannel();
    const results = new MessageChannel();
    // No loader flags of the parent's (a TypeScript loader in development): the script brings what it needs.
    const worker = new Worker(script.source, { eval: script.eval, execArgv: [], workerData: { ...data, jobs: jobs.port2, results: results.port2 }, transferList: [jobs.port2, results.port2] });
    // Idle threads never keep the process alive; one that fails leaves its work to the caller's stall check.
    worker.unref();
    worker.on('error', () => undefined);
    started.push({ worker, jobs: jobs.port1, results: results.port1 });
  }
  return started;
}

/**
 * Reads every result waiting on the threads' ports, thread by thread in the order each posted
 * them, and hands `take` those that `ours` accepts. The rest are left of an earlier verification
 * (one that stopped waiting) and are dropped, so that they are never read as this one's.
 */
export function drainResults<Result>(threads: readonly KeptThread[], ours: (result: Result) => boolean, take: (result: Result) => void): void {
  for (const { results } of threads) {
    for (let message = receiveMessageOnPort(results); message; message = receiveMessageOnPort(results)) {
      const result = message.message as Result;
      if (ours(result)) take(result);
    }
  }
}

/** Ends the threads without waiting for them: the caller has already forgotten them. */
export function endThreads(threads: readonly KeptThread[]): void {
  for (const { worker } of threads) void worker.terminate();
}
