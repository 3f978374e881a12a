import { verify, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { LateFinding } from '../../core/ledger/ledger-verification';
import { drainResults, endThreads, startKeptThreads, type KeptThread } from './kept-threads';
import type { ThreadScript } from './thread-script';

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
 * key once per verification, checks a batch, posts the indexes of the signatures that failed, then
 * counts the batch as done in the counter the walking thread waits on. A key it was never sent
 * fails the batch, which the walking thread then checks itself.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const { jobs, results, done } = workerData;
const counter = new Int32Array(done);
let session = -1;
const keys = new Map();
jobs.on('message', (batch) => {
  try {
    if (batch.session !== session) { session = batch.session; keys.clear(); }
    for (const [id, x, y] of batch.keys) keys.set(id, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }));
    const failed = [];
    for (let i = 0; i < batch.signed.length; i += 1) {
      const key = keys.get(batch.keyIds[i]);
      if (key === undefined) throw new Error('a signature came without its key');
      let ok = false;
      try { ok = verify('sha256', batch.signed[i], { key, dsaEncoding: 'der' }, batch.signatures[i]); } catch { ok = false; }
      if (!ok) failed.push(i);
    }
    results.postMessage({ session: batch.session, batch: batch.number, failed });
  } catch (error) {
    results.postMessage({ session: batch.session, batch: batch.number, error: String(error && error.message || error) });
  }
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
`;
const CHECKING_THREAD: ThreadScript = { source: WORKER_SOURCE, eval: true };

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

/**
 * The checking threads, started by the first verification that needs them and kept, idle, for the
 * next (starting a thread costs about as much as checking a few hundred signatures). Each
 * verification is a session of its own: a thread forgets the keys of the last one when a batch of
 * a new one comes, and verdicts of another session are not read as this one's.
 */
interface CheckingThreads {
  readonly threads: KeptThread[];
  /** Batches done, by every thread: what a verification waiting for its verdicts waits on. */
  readonly counter: Int32Array;
}
let threadsKept: CheckingThreads | undefined;
let sessions = 0;

/** The kept threads, `count` of them at least, started now where fewer are running. */
function checkingThreads(count: number): CheckingThreads {
  const kept = (threadsKept ??= { threads: [], counter: new Int32Array(new SharedArrayBuffer(4)) });
  if (kept.threads.length < count) kept.threads.push(...startKeptThreads(CHECKING_THREAD, count - kept.threads.length, { done: kept.counter.buffer }));
  return kept;
}

/** Ends the kept threads: after a stall, so that the next verification starts fresh ones. */
function endCheckingThreads(threads: CheckingThreads): void {
  if (threadsKept === threads) threadsKept = undefined;
  endThreads(threads.threads);
}

interface Batch {
  readonly number: number;
  readonly jobs: readonly SignatureJob[];
}

/**
 * Signatures spread across one worker thread per core. The first few hundred are checked here
 * as they come (a small ledger never starts a thread); past that, batches go to the threads in
 * turn, and the walk goes on while they work. When the threads fall behind, this thread checks
 * the next batch itself instead of waiting (memory stays flat either way).
 */
export function checkSignaturesInParallel(options: { threads?: number; threadsFrom?: number; inFlight?: number } = {}): SignatureChecks {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const threadsFrom = options.threadsFrom ?? THREADS_FROM;
  const inFlight = options.inFlight ?? IN_FLIGHT_PER_THREAD * threads;
  const session = (sessions += 1);
  let held: SignatureJob[] = [];
  let checkedHere = 0;
  let pool: CheckingThreads | undefined;
  /** The keys each thread was sent in this session. */
  const keysSent: Set<number>[] = Array.from({ length: threads }, () => new Set());
  const outstanding = new Map<number, Batch>();
  let sent = 0;
  let earliest: SignatureJob | undefined;

  const fail = (job: SignatureJob) => {
    if (!earliest || job.seq < earliest.seq) earliest = job;
  };
  const checkHere = (jobs: readonly SignatureJob[]): void => jobs.forEach((job) => verifies(job) || fail(job));
  // Only the threads this verification sends to: the kept ones may be more, started by one that asked for more.
  const collect = (): void =>
    drainResults<{ session: number; batch: number; failed?: number[]; error?: string }>(
      pool!.threads.slice(0, threads),
      (verdict) => verdict.session === session,
      (verdict) => {
        const batch = outstanding.get(verdict.batch);
        if (!batch) return;
        outstanding.delete(batch.number);
        if (verdict.error !== undefined) checkHere(batch.jobs);
        else for (const i of verdict.failed ?? []) fail(batch.jobs[i]!);
      },
    );
  /** Waits until every batch is back, checking here whatever stalled threads hold (and ending them). */
  const drain = (): void => {
    for (;;) {
      // The count is read before the ports: a verdict posted after the read counts after it, so the
      // wait below returns at once for it. Read after, a last verdict landing in between would be
      // waited for until the stall check gave the threads up.
      const seen = Atomics.load(pool!.counter, 0);
      collect();
      if (outstanding.size === 0) return;
      if (Atomics.wait(pool!.counter, 0, seen, STALL_MS) === 'timed-out') {
        for (const batch of outstanding.values()) checkHere(batch.jobs);
        outstanding.clear();
        endCheckingThreads(pool!);
        return;
      }
    }
  };
  const send = (jobs: SignatureJob[]): void => {
    collect();
    // The threads are behind (or were ended): rather than wait for them, this thread checks the batch itself.
    if (outstanding.size >= inFlight || pool !== threadsKept) return checkHere(jobs);
    const number = sent;
    const thread = sent % threads;
    sent += 1;
    const keys: [number, string, string][] = [];
    for (const { key } of jobs) {
      if (keysSent[thread]!.has(key.id)) continue;
      keysSent[thread]!.add(key.id);
      keys.push([key.id, key.x, key.y]);
    }
    outstanding.set(number, { number, jobs });
    pool!.threads[thread]!.jobs.postMessage({ session, number, keys, keyIds: jobs.map((job) => job.key.id), signed: jobs.map((job) => job.signed), signatures: jobs.map((job) => job.signature) });
  };

  return {
    check(job) {
      // The first few hundred are checked here and now, as a small ledger's all are.
      if (!pool && (checkedHere += 1) <= threadsFrom) return verifies(job) ? undefined : job.problem;
      pool ??= checkingThreads(threads);
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
        drain();
      }
      return earliest && { seq: earliest.seq, headHash: earliest.prevHash, message: earliest.problem };
    },
    close() {
      // The threads stay for the next verification; what this one left with them is not read.
      outstanding.clear();
      held = [];
    },
  };
}
