// A thread that walks runs of a ledger for a verification split across threads (see
// app/ledger/ledger-walkers.ts). It opens the ledger read-only on a connection of its own, takes
// the next run nobody took (a shared counter), walks it (db/ledger-runs.ts) and posts what it
// found, until the runs are all taken or the verification stopped waiting for them.
import { workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { walkRun } from '../../db/ledger-runs';
import { RUN_COUNTERS, type RunsJob, type RunOutcome } from './ledger-runs-job';

const { NEXT, DONE, CANCELLED, JOINED } = RUN_COUNTERS;

const { jobs, results, ready } = workerData as { jobs: MessagePort; results: MessagePort; ready: SharedArrayBuffer };
// Loaded: the verification that started this thread may count on it.
Atomics.add(new Int32Array(ready), 0, 1);
Atomics.notify(new Int32Array(ready), 0);

jobs.on('message', (job: RunsJob) => {
  const counters = new Int32Array(job.counters);
  const shown = new Set(job.shownKinds);
  let db: Database.Database | undefined;
  let unopened: string | undefined;
  try {
    db = new Database(job.file, { readonly: true, fileMustExist: true, nativeBinding: job.nativeBinding });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    unopened = `the ledger cannot be opened on a walking thread: ${(error as Error).message}`;
  }
  for (;;) {
    if (Atomics.load(counters, CANCELLED) !== 0) break;
    const index = Atomics.add(counters, NEXT, 1);
    if (index >= job.runs) break;
    // Too far ahead of the runs joined: wait for the verification to catch up (or to stop waiting).
    for (let joined = Atomics.load(counters, JOINED); index - joined > job.ahead && Atomics.load(counters, CANCELLED) === 0; joined = Atomics.load(counters, JOINED)) {
      Atomics.wait(counters, JOINED, joined, 1_000);
    }
    if (Atomics.load(counters, CANCELLED) !== 0) break;
    const from = index * job.runLength + 1;
    const to = Math.min(job.headSeq, from + job.runLength - 1);
    let outcome: RunOutcome;
    try {
      outcome = unopened ?? walkRun(db!, from, to, shown, job.expectHead);
    } catch (error) {
      outcome = (error as Error).message;
    }
    results.postMessage({ job: job.id, index, outcome });
    Atomics.add(counters, DONE, 1);
    Atomics.notify(counters, DONE);
  }
  db?.close();
});

