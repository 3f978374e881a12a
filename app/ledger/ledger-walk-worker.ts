// A thread that walks runs of a ledger for a verification split across threads (see
// app/ledger/ledger-walkers.ts): of the ledger in a database file, which it opens read-only on a
// connection of its own, or of an audit bundle's ledger.jsonl, whose bytes it shares. It takes
// the next run nobody took (a shared counter), walks it and posts what it found, until the runs
// are all taken or the verification stopped waiting for them.
import { workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { walkRun } from '../../db/ledger-runs';
import { walkBundleRun } from '../audit/bundle-lines';
import { RUN_COUNTERS, type BundleRunsJob, type RunOutcome, type RunsJob, type WalkJob } from './ledger-runs-job';

const { NEXT, DONE, CANCELLED, JOINED } = RUN_COUNTERS;
/** How often a thread waiting ahead looks again whether the verification stopped. */
const IDLE_STEP_MS = 250;
/** Pages of the database a walking thread's connection keeps (see databaseRuns). */
const RUN_CACHE_PAGES = 64;

const { jobs, results, ready } = workerData as { jobs: MessagePort; results: MessagePort; ready: SharedArrayBuffer };
// Loaded: the verification that started this thread may count on it.
Atomics.add(new Int32Array(ready), 0, 1);
Atomics.notify(new Int32Array(ready), 0);

/** How this thread walks run `index` of a job, and what it lets go of once the job is over. */
interface RunWalker {
  walk(index: number): RunOutcome;
  close(): void;
}

function databaseRuns(job: RunsJob, shown: ReadonlySet<string>): RunWalker {
  let db: Database.Database | undefined;
  let unopened: string | undefined;
  try {
    db = new Database(job.file, { readonly: true, fileMustExist: true, nativeBinding: job.nativeBinding });
    db.pragma('busy_timeout = 5000');
    // Each page is read once, in order: a cache of a few pages is all a run needs. SQLite's default
    // of 2 MB made each thread's memory grow and shrink as it filled and was let go, and the other
    // threads of the process paid for every change of its mappings: the split walk took half as
    // long again (bench:ledger, 100k entries: 190 ms against 138 ms with 64 pages).
    db.pragma(`cache_size = ${RUN_CACHE_PAGES}`);
  } catch (error) {
    unopened = `the ledger cannot be opened on a walking thread: ${(error as Error).message}`;
  }
  return {
    walk: (index) => {
      const from = index * job.runLength + 1;
      return unopened ?? walkRun(db!, from, Math.min(job.headSeq, from + job.runLength - 1), shown, job.expectHead);
    },
    close: () => db?.close(),
  };
}

function bundleRuns(job: BundleRunsJob, shown: ReadonlySet<string>): RunWalker {
  return {
    // The main thread checked the whole file as UTF-8, and runs start at lines: each line decodes alone.
    walk: (index) => walkBundleRun(Buffer.from(job.lines, job.starts[index]!, job.starts[index + 1]! - job.starts[index]!), index * job.runLength + 1, shown),
    close: () => undefined,
  };
}

jobs.on('message', (job: WalkJob) => {
  const counters = new Int32Array(job.counters);
  const shown = new Set(job.shownKinds);
  const runs = job.source === 'bundle' ? bundleRuns(job, shown) : databaseRuns(job, shown);
  for (;;) {
    if (Atomics.load(counters, CANCELLED) !== 0) break;
    const index = Atomics.add(counters, NEXT, 1);
    if (index >= job.runs) break;
    // Too far ahead of the runs joined: wait for the verification to catch up (or to stop waiting).
    // A verification that joins nothing for `idleMs` has stopped waiting without saying so: the job
    // is dropped, so that the next one is not held up behind it.
    let still = 0;
    for (let joined = Atomics.load(counters, JOINED); index - joined > job.ahead && Atomics.load(counters, CANCELLED) === 0; ) {
      if (Atomics.wait(counters, JOINED, joined, IDLE_STEP_MS) === 'timed-out') still += IDLE_STEP_MS;
      const now = Atomics.load(counters, JOINED);
      if (now !== joined) still = 0;
      joined = now;
      if (still >= job.idleMs) {
        // Said to the verification, should it come back to join: it walks the rest itself at once
        // (DONE moves, so that it wakes however it was waiting).
        Atomics.store(counters, CANCELLED, 1);
        Atomics.add(counters, DONE, 1);
        Atomics.notify(counters, DONE);
      }
    }
    if (Atomics.load(counters, CANCELLED) !== 0) break;
    let outcome: RunOutcome;
    try {
      outcome = runs.walk(index);
    } catch (error) {
      outcome = (error as Error).message;
    }
    results.postMessage({ job: job.id, index, outcome });
    Atomics.add(counters, DONE, 1);
    Atomics.notify(counters, DONE);
  }
  runs.close();
});
