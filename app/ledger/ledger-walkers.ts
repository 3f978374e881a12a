import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { VerifiedRun } from '../../core/ledger/ledger-verification';
import type { BundleRun } from '../audit/bundle-lines';
import type { KeywardDatabase } from '../../db/connection';
import type { LedgerRuns } from '../../db/ledger';
import { drainResults, endThreads, startKeptThreads, type KeptThread } from './kept-threads';
import { RUN_COUNTERS, type BundleRunsJob, type RunOutcome, type RunsJob, type WalkJob } from './ledger-runs-job';
import { threadScript } from './thread-script';

/** Entries per run: a run's result is small, and enough runs keep every thread busy to the end. */
const RUN_LENGTH = 8192;
/** Below this many entries, starting the walk elsewhere costs more than it saves. */
const PARALLEL_FROM = 50_000;
/** A verification that hears nothing from the threads for this long walks the rest itself. */
export const STALL_MS = 30_000;
/**
 * How long a thread waits for a verification that joins none of its runs, and leaves none to take,
 * before dropping the job: shorter than STALL_MS, so that a job nobody joins any more frees the
 * threads before the next verification would give them up; long enough for a bundle's members of
 * several gigabytes to be hashed while its runs wait (app/audit/audit-verify.ts).
 */
export const IDLE_JOB_MS = 20_000;
/** How long the first verification waits for a new thread to load before walking alone. */
const LOAD_MS = 15_000;

let nativeBinding: string | undefined;
/** The better-sqlite3 addon the ledger's threads load (the desktop's is built for Electron). */
export const useNativeBindingForWalkers = (path: string | undefined): void => void (nativeBinding = path);
export const walkersNativeBinding = (): string | undefined => nativeBinding;

/** The walking threads once started; null once they could not start (the walk then stays on one thread). */
let walkers: KeptThread[] | null | undefined;
let jobs = 0;

/** Starts the threads and waits until one has loaded its code: null when none could. */
function startWalkers(threads: number): KeptThread[] | null {
  const script = threadScript('ledger-walk-worker');
  if (!script) return null;
  const ready = new Int32Array(new SharedArrayBuffer(4));
  const started = startKeptThreads(script, threads, { ready: ready.buffer });
  for (const walker of started) {
    // A thread that ended is left out of the next verification; once none is left, the next one starts them afresh.
    walker.worker.once('exit', () => {
      if (!walkers) return;
      const left = walkers.filter((other) => other !== walker);
      walkers = left.length > 0 ? left : undefined;
    });
  }
  if (Atomics.wait(ready, 0, 0, LOAD_MS) === 'timed-out') {
    endThreads(started);
    return null;
  }
  return started;
}

/**
 * Runs of the ledger walked on one thread per core, each with its own read-only connection to the
 * file, while this thread joins them in order (db/ledger.ts). The threads start with the first
 * verification that uses them and stay for the next. Undefined where there is nothing to gain:
 * a database that is not a file, one core, or no walking thread's code to run.
 */
export function ledgerRunsOnWalkers(db: KeywardDatabase, options: { threads?: number; runLength?: number; from?: number } = {}): LedgerRuns | undefined {
  const threads = options.threads ?? Math.min(8, availableParallelism());
  if (threads < 2 || db.memory || !db.name || !existsSync(db.name)) return undefined;
  return {
    from: options.from ?? PARALLEL_FROM,
    // The threads running, once started (fewer than asked when some have ended).
    get threads() {
      return walkers ? walkers.length : threads;
    },
    walk: (request) => {
      const runLength = options.runLength ?? runLengthFor(request.headSeq, threads);
      return walkRuns(threads, { file: db.name, nativeBinding, headSeq: request.headSeq, runLength, runs: Math.ceil(request.headSeq / runLength), shownKinds: request.shownKinds, expectHead: request.expectHead });
    },
  };
}

/** Eight runs or more per thread, so that they finish close together. */
const runLengthFor = (entries: number, threads: number): number => Math.max(1024, Math.min(RUN_LENGTH, Math.ceil(entries / (threads * 8))));

/** Where runs of an audit bundle's ledger.jsonl are walked (app/audit/bundle-walk.ts). */
export interface BundleRuns {
  /** The fewest lines for which walking elsewhere pays. */
  readonly from: number;
  readonly threads: number;
  /** The lines per run for a ledger.jsonl of this many lines. */
  runLength(lines: number): number;
  /**
   * Sends the job to the threads at once, so that they walk while this thread does other work;
   * iterating gives its runs in order, each once its thread walked it (see LedgerRuns.walk).
   */
  walk(request: Pick<BundleRunsJob, 'lines' | 'starts' | 'runLength' | 'shownKinds'>): RunsUnderWay<BundleRun>;
}

/**
 * Runs the threads are walking: iterate to join them in order (leaving early lets the threads go),
 * or `cancel` when they will not be joined at all; a job neither joined to its end nor cancelled
 * would keep the threads waiting for it.
 */
export interface RunsUnderWay<Run extends VerifiedRun> extends Iterable<Run | undefined> {
  cancel(): void;
}

/** Runs of an audit bundle walked on the same threads as a ledger's; undefined with one core. */
export function bundleRunsOnWalkers(options: { threads?: number; runLength?: number; from?: number; idleMs?: number } = {}): BundleRuns | undefined {
  const threads = options.threads ?? Math.min(8, availableParallelism());
  if (threads < 2) return undefined;
  return {
    from: options.from ?? PARALLEL_FROM,
    get threads() {
      return walkers ? walkers.length : threads;
    },
    runLength: (lines) => options.runLength ?? runLengthFor(lines, threads),
    // What a thread posts for a bundle's run is a BundleRun (ledger-walk-worker.ts).
    walk: (request) => walkRuns(threads, { source: 'bundle', ...request, runs: request.starts.length - 1 }, options.idleMs) as RunsUnderWay<BundleRun>,
  };
}

type JobFields = Omit<RunsJob, 'id' | 'ahead' | 'counters' | 'idleMs'> | Omit<BundleRunsJob, 'id' | 'ahead' | 'counters' | 'idleMs'>;

function walkRuns(threads: number, fields: JobFields, idleMs?: number): RunsUnderWay<VerifiedRun> {
  if (walkers === undefined) walkers = startWalkers(threads);
  if (!walkers) return { cancel: () => undefined, *[Symbol.iterator]() { yield undefined; } };
  const started: readonly KeptThread[] = walkers;
  const { runs } = fields;
  const counters = new Int32Array(new SharedArrayBuffer(16));
  const idle = idleMs !== undefined && Number.isFinite(idleMs) && idleMs > 0 ? idleMs : IDLE_JOB_MS;
  const job = { ...fields, id: (jobs += 1), ahead: 4 * threads, idleMs: idle, counters: counters.buffer as SharedArrayBuffer } as WalkJob;
  for (const walker of started) walker.jobs.postMessage(job);
  // Whatever is left untaken is not taken: the verification no longer waits for it.
  const cancel = (): void => {
    Atomics.store(counters, RUN_COUNTERS.CANCELLED, 1);
    Atomics.notify(counters, RUN_COUNTERS.JOINED);
  };
  function* join(): Generator<VerifiedRun | undefined> {
    const arrived = new Map<number, RunOutcome>();
    try {
      for (let index = 0; index < runs; index += 1) {
        const outcome = awaitRun(started, index, job.id, counters, arrived);
        arrived.delete(index);
        Atomics.store(counters, RUN_COUNTERS.JOINED, index + 1);
        Atomics.notify(counters, RUN_COUNTERS.JOINED);
        if (outcome === undefined || typeof outcome === 'string') return yield undefined;
        yield outcome;
      }
    } finally {
      cancel();
    }
  }
  return { cancel, [Symbol.iterator]: join };
}

/** Waits for run `index` of the job, keeping runs that arrive early; undefined when the threads went silent or one of them dropped the job. */
function awaitRun(threads: readonly KeptThread[], index: number, job: number, counters: Int32Array, arrived: Map<number, RunOutcome>): RunOutcome | undefined {
  for (;;) {
    const seen = Atomics.load(counters, RUN_COUNTERS.DONE);
    drainResults<{ job: number; index: number; outcome: RunOutcome }>(threads, (posted) => posted.job === job, (posted) => arrived.set(posted.index, posted.outcome));
    if (arrived.has(index)) return arrived.get(index);
    // A thread dropped the job (nothing was joined for its idle time): the rest is walked here.
    if (Atomics.load(counters, RUN_COUNTERS.CANCELLED) !== 0) return undefined;
    if (Atomics.wait(counters, RUN_COUNTERS.DONE, seen, STALL_MS) === 'timed-out') return undefined;
  }
}
