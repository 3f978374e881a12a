import { verify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { LateFinding } from '../../core/ledger/ledger-verification';

/** A custodian's P-256 public key: parsed once on this thread, sent once to each checking thread. */
export interface SignatureKey {
  readonly id: number;
  readonly publicKey: KeyObject;
  /** The key's JWK coordinates, base64url. */
  readonly x: string;
  readonly y: string;
}

/** One ECDSA signature to check, and what to say about its entry when it does not verify. */
export interface SignatureJob {
  readonly seq: number;
  /** The hash of the entry before `seq`: the head that still stands if this signature fails. */
  readonly prevHash: string;
  readonly problem: string;
  readonly key: SignatureKey;
  /** authenticatorData followed by the SHA-256 of clientDataJSON: the bytes the key signed. */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Where a ledger verification sends custodians' signatures: checked at once on this thread
 * (`checkNow`), or spread across worker threads on every core, with the verdicts gathered when
 * the walk is over (`lateFinding`). Either way the earliest failing entry is the one named.
 */
export interface SignatureChecks {
  /** A problem at once, when checked here; undefined when it verified or was sent elsewhere. */
  check(job: SignatureJob): string | undefined;
  /** Waits for every verdict sent elsewhere and names the earliest entry whose signature failed. */
  lateFinding(): LateFinding | undefined;
  /** Ends the checking threads. */
  close(): void;
}

const verifies = (job: SignatureJob, key: KeyObject = job.key.publicKey): boolean => {
  try {
    return verify('sha256', job.signed, { key, dsaEncoding: 'der' }, job.signature);
  } catch {
    return false;
  }
};

/** Every signature checked as it comes, on this thread: for small ledgers and exported files. */
export const checkSignaturesNow = (): SignatureChecks => ({
  check: (job) => (verifies(job) ? undefined : job.problem),
  lateFinding: () => undefined,
  close: () => undefined,
});

/**
 * The checking thread, as source so that it runs the same under plain Node, inside the bundled
 * command line and in Electron's main process, with no file of its own to find. It parses each
 * key once, checks batches of signatures, posts the indexes of those that failed, then counts
 * the batch as done in the shared counter the walking thread waits on.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const { jobs, results, done } = workerData;
const counter = new Int32Array(done);
const keys = new Map();
jobs.on('message', (batch) => {
  const failed = [];
  try {
    for (const [id, x, y] of batch.keys) if (!keys.has(id)) keys.set(id, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }));
    for (let i = 0; i < batch.signed.length; i += 1) {
      let ok = false;
      try { ok = verify('sha256', batch.signed[i], { key: keys.get(batch.keyIds[i]), dsaEncoding: 'der' }, batch.signatures[i]); } catch { ok = false; }
      if (!ok) failed.push(i);
    }
    results.postMessage({ batch: batch.number, failed });
  } catch (error) {
    results.postMessage({ batch: batch.number, error: String(error && error.message || error) });
  }
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
`;

/**
 * Signatures per message to a checking thread, and how many batches may wait for each thread: few,
 * so that memory stays flat and little is left to wait for once the walk is over.
 */
const BATCH = 64;
const IN_FLIGHT_PER_THREAD = 4;
/** The first this many signatures are checked here: for fewer, starting threads would cost more than it saves. */
const THREADS_FROM = 256;
/** A checking thread that reports nothing for this long is given up on; its batches are checked here. */
const STALL_MS = 30_000;

interface Batch {
  readonly number: number;
  readonly jobs: readonly SignatureJob[];
}

/**
 * Signatures spread across one worker thread per core. The first few hundred are checked here
 * as they come (a small ledger never starts a thread); past that, threads start and take
 * batches in turn, and the walk goes on while they work. When the threads fall behind, this
 * thread checks the next batch itself instead of waiting (memory stays flat either way).
 */
export function checkSignaturesInParallel(options: { threads?: number; threadsFrom?: number; inFlight?: number } = {}): SignatureChecks {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const threadsFrom = options.threadsFrom ?? THREADS_FROM;
  const inFlight = options.inFlight ?? IN_FLIGHT_PER_THREAD * threads;
  let held: SignatureJob[] = [];
  let checkedHere = 0;
  let pool: { workers: Worker[]; jobs: MessagePort[]; results: MessagePort[]; counter: Int32Array; keysSent: Set<number>[] } | undefined;
  const outstanding = new Map<number, Batch>();
  let sent = 0;
  let earliest: SignatureJob | undefined;

  const fail = (job: SignatureJob) => {
    if (!earliest || job.seq < earliest.seq) earliest = job;
  };
  const start = () => {
    const done = new SharedArrayBuffer(4);
    pool = { workers: [], jobs: [], results: [], counter: new Int32Array(done), keysSent: [] };
    for (let i = 0; i < threads; i += 1) {
      const jobs = new MessageChannel();
      const results = new MessageChannel();
      // No loader flags of the parent's (a TypeScript loader in development): the source needs none.
      const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { jobs: jobs.port2, results: results.port2, done }, transferList: [jobs.port2, results.port2] });
      worker.unref();
      pool.workers.push(worker);
      pool.jobs.push(jobs.port1);
      pool.results.push(results.port1);
      pool.keysSent.push(new Set());
    }
  };
  const collect = (): void => {
    for (const port of pool!.results) {
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
        const { batch: number, failed, error } = message.message as { batch: number; failed?: number[]; error?: string };
        const batch = outstanding.get(number);
        if (!batch) continue;
        outstanding.delete(number);
        if (error !== undefined) batch.jobs.forEach((job) => verifies(job) || fail(job));
        else for (const i of failed ?? []) fail(batch.jobs[i]!);
      }
    }
  };
  /** Waits until fewer than `most` batches are out, checking here whatever a stalled thread holds. */
  const drain = (most: number): void => {
    collect();
    while (outstanding.size > most) {
      const seen = Atomics.load(pool!.counter, 0);
      if (Atomics.wait(pool!.counter, 0, seen, STALL_MS) === 'timed-out') {
        for (const batch of outstanding.values()) batch.jobs.forEach((job) => verifies(job) || fail(job));
        outstanding.clear();
      }
      collect();
    }
  };
  const checkHere = (jobs: readonly SignatureJob[]): void => jobs.forEach((job) => verifies(job) || fail(job));
  const send = (jobs: SignatureJob[]): void => {
    collect();
    // The threads are behind: rather than wait for them, this thread checks the batch itself.
    if (outstanding.size >= inFlight) return checkHere(jobs);
    const number = sent;
    const thread = sent % threads;
    sent += 1;
    const keysSent = pool!.keysSent[thread]!;
    const keys = jobs.filter((job) => !keysSent.has(job.key.id) && keysSent.add(job.key.id)).map((job) => [job.key.id, job.key.x, job.key.y]);
    outstanding.set(number, { number, jobs });
    pool!.jobs[thread]!.postMessage({ number, keys, keyIds: jobs.map((job) => job.key.id), signed: jobs.map((job) => job.signed), signatures: jobs.map((job) => job.signature) });
  };

  return {
    check(job) {
      // The first few hundred are checked here and now, as a small ledger's all are.
      if (!pool && (checkedHere += 1) <= threadsFrom) return verifies(job) ? undefined : job.problem;
      if (!pool) start();
      held.push(job);
      if (held.length >= BATCH) {
        send(held);
        held = [];
      }
      return undefined;
    },
    lateFinding() {
      if (pool) {
        // The last few are checked here while the threads finish theirs.
        checkHere(held);
        held = [];
        drain(0);
      }
      return earliest && { seq: earliest.seq, headHash: earliest.prevHash, message: earliest.problem };
    },
    close() {
      for (const worker of pool?.workers ?? []) void worker.terminate();
      pool = undefined;
    },
  };
}
