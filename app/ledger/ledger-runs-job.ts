// What the verification and its walking threads share (app/ledger/ledger-walkers.ts and
// app/ledger/ledger-walk-worker.ts): the job each thread is sent and what it posts back.
import type { VerifiedRun } from '../../core/ledger/ledger-verification';

/** What a walking thread posts for one run: the run found sound, or what it met instead. */
export type RunOutcome = VerifiedRun | string;

/** What every job of runs holds, whatever the runs are read from. */
interface JobOfRuns {
  readonly id: number;
  readonly runs: number;
  readonly shownKinds: readonly string[];
  /** How many runs past the last one joined a thread may take. */
  readonly ahead: number;
  /** How long a thread waits, ahead, for a verification that joins none of its runs before it drops the job. */
  readonly idleMs: number;
  /** Int32 counters shared by the threads and this one, at RUN_COUNTERS. */
  readonly counters: SharedArrayBuffer;
}

/** One verification's runs of a ledger in a database file, as sent to every walking thread. */
export interface RunsJob extends JobOfRuns {
  readonly source?: 'database';
  readonly file: string;
  readonly nativeBinding?: string;
  readonly headSeq: number;
  readonly runLength: number;
  readonly expectHead?: string;
}

/**
 * One verification's runs of an audit bundle's ledger.jsonl, its bytes shared with every thread
 * (never posted whole to each): run i is the lines from byte `starts[i]` of `lines` to byte
 * `starts[i + 1]`, and its first line is entry i × runLength + 1.
 */
export interface BundleRunsJob extends JobOfRuns {
  readonly source: 'bundle';
  readonly lines: SharedArrayBuffer;
  readonly starts: readonly number[];
  readonly runLength: number;
}

/** What a walking thread is sent: runs of a database's ledger, or of a bundle's. */
export type WalkJob = RunsJob | BundleRunsJob;

/**
 * NEXT: the next run to take; DONE: runs posted (and once more when a thread drops the job);
 * CANCELLED: the verification stopped waiting, or a thread dropped the job (it joined nothing for
 * `idleMs`: see ledger-walk-worker.ts); JOINED: runs the verification has joined. A thread takes no run more than `ahead` past JOINED, so
 * that runs posted early and waiting to be joined stay few, whatever the ledger's size.
 */
export const RUN_COUNTERS = { NEXT: 0, DONE: 1, CANCELLED: 2, JOINED: 3 } as const;
