// The walk of an audit bundle's ledger.jsonl: on this thread, or for a large bundle in runs on the
// ledger's walking threads (app/ledger/ledger-walkers.ts) joined here in order. Either way the
// verdict is the same, word for word: anything but sound runs is walked again here.
import { chainFieldsOf, LEDGER_ENTRY_KINDS, type LedgerEntry } from '../../core/ledger/ledger';
import { ChainWalk, type ChainWalkOptions, type LedgerVerification, type StoredEntryRow } from '../../core/ledger/ledger-verification';
import { sha256Hex, toLedgerEntry } from '../../db/ledger';
import { createApprovalInspector } from '../ledger/approval-verification';
import { withCheckpoints } from '../ledger/checkpoint-verification';
import { ledgerInspectorReads } from '../ledger/ledger';
import type { BundleRuns, RunsUnderWay } from '../ledger/ledger-walkers';
import { DESCRIBING_KINDS, linesOf, rowOfLine, type BundleRun } from './bundle-lines';

// What the inspector reads besides entries with approvals and entries 1 and 2, on any thread.
const SHOWN_KINDS = LEDGER_ENTRY_KINDS.filter(ledgerInspectorReads);

type Row = StoredEntryRow & { kind: string };

export interface LinesWalked {
  readonly entries?: Row[];
  /** The entries of kinds that describe the site, its custodians and checkpoints. */
  readonly described: LedgerEntry[];
  readonly count: number;
  /** The hash of the last line. */
  readonly last?: string;
  readonly chain: LedgerVerification;
  /** How many threads walked runs of it, when they did. */
  readonly threads?: number;
}

/** The walk, or the first line that is not an entry at all (named before any fault of the chain). */
export type LinesRead = LinesWalked | { readonly notAnEntry: number };

/** A walk of a bundle's lines begun on the walking threads: `finish` joins it (or walks here), `cancel` lets the threads go. */
export interface BundleWalk {
  finish(): LinesRead;
  cancel(): void;
}

/**
 * Every line of ledger.jsonl (`bytes`) read as a row and walked as the ledger's chain with the
 * closing checkpoint after the last. From `runs.from` lines on, the runs are sent to the walking
 * threads at once, so that they walk while this thread checks the rest of the bundle (bytes nobody
 * checked yet are harmless to them: nothing they find is read before `finish`). `finish` is called
 * only once the bytes are known to be UTF-8 ending in a line break; it joins the runs, and a run
 * the threads could not walk soundly, or none running, and it walks them here whole instead, so
 * that what is wrong is named as a walk here names it. `cancel` always, once the walk is done with.
 */
export function startBundleWalk(bytes: Buffer, closing: StoredEntryRow, keepEntries: boolean, runs?: BundleRuns): BundleWalk {
  const begun = runs && beginOnThreads(bytes, runs);
  return {
    finish: () => (begun && joinRuns(bytes, closing, keepEntries, begun)) || walkHere(bytes, closing, keepEntries),
    cancel: () => begun?.runs.cancel(),
  };
}

/** A fresh inspector each walk: it remembers what it was shown. */
function chainOptions(bytes: Buffer): ChainWalkOptions {
  // Asked only once the walk has stopped, to tell a reordered entry from a missing one.
  const seqAppearsLater = (seq: number) => {
    for (const line of linesOf(bytes)) {
      const row = rowOfLine(line);
      if (row && chainFieldsOf(row.body)?.seq === seq) return true;
    }
    return false;
  };
  // The same entries shown on one thread as when joining runs: the inspector reads no others.
  return { sha256Hex, seqAppearsLater, inspect: withCheckpoints(createApprovalInspector()), inspects: ledgerInspectorReads };
}

/** What the verification keeps of the rows, read here one line at a time. */
class RowsKept {
  readonly entries: Row[] | undefined;
  readonly described: LedgerEntry[] = [];
  count = 0;
  last: string | undefined;
  private readonly lines: Generator<string>;
  private line: IteratorResult<string>;

  constructor(bytes: Buffer, keepEntries: boolean) {
    this.entries = keepEntries ? [] : undefined;
    this.lines = linesOf(bytes);
    this.line = this.lines.next();
  }

  get done(): boolean {
    return this.line.done === true;
  }

  /** The next line's row, kept; undefined when the line is not an entry. */
  next(): Row | undefined {
    const row = this.line.done ? undefined : rowOfLine(this.line.value);
    this.line = this.lines.next();
    this.count += 1;
    if (!row) return undefined;
    if (DESCRIBING_KINDS.has(row.kind)) this.described.push(toLedgerEntry(row));
    this.entries?.push(row);
    this.last = row.hash;
    return row;
  }
}

/**
 * One line at a time, so that nothing but what the caller keeps outlives its line. Every line is
 * read even after the walk stopped: a line that is not an entry at all is named before any fault
 * of the chain.
 */
function walkHere(bytes: Buffer, closing: StoredEntryRow, keepEntries: boolean): LinesRead {
  const walk = new ChainWalk(chainOptions(bytes));
  const rows = new RowsKept(bytes, keepEntries);
  let walking = true;
  while (!rows.done) {
    const row = rows.next();
    if (!row) return { notAnEntry: rows.count };
    if (walking) walking = walk.take(row.body, row.hash);
  }
  if (walking) walk.take(closing.body, closing.hash, closing.seq);
  return { entries: rows.entries, described: rows.described, count: rows.count, last: rows.last, chain: walk.finish() };
}

/** Runs of a bundle's lines the walking threads were sent. */
interface RunsBegun {
  readonly lines: number;
  readonly runs: RunsUnderWay<BundleRun>;
  readonly threads: number;
}

/** Sends the runs to the walking threads; undefined where the walk stays here (too few lines). */
function beginOnThreads(bytes: Buffer, runs: BundleRuns): RunsBegun | undefined {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines += 1;
  if (lines < runs.from) return undefined;
  const runLength = runs.runLength(lines);
  // Shared by every thread rather than posted to each: read into shared memory, or copied there once.
  let shared = bytes.buffer;
  let base = bytes.byteOffset;
  if (!(shared instanceof SharedArrayBuffer)) {
    shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    base = 0;
  }
  // Run i starts at line i × runLength + 1 (that line must hold that entry: the walk proves it).
  const starts = [base];
  for (let at = bytes.indexOf(0x0a), line = 1; at !== -1; at = bytes.indexOf(0x0a, at + 1), line += 1) {
    if (line % runLength === 0) starts.push(base + at + 1);
  }
  if (starts.at(-1) !== base + bytes.length) starts.push(base + bytes.length);
  return { lines, runs: runs.walk({ lines: shared as SharedArrayBuffer, starts, runLength, shownKinds: SHOWN_KINDS }), threads: runs.threads };
}

/**
 * The runs walked on the threads, joined here in order. The threads read every line as a row and
 * send the rows that describe the site; this thread reads the lines itself only to
 * keep every entry (cheap beside walking them). Undefined where the walk here must decide: no
 * thread, a run not walked soundly, a run that does not join, a line that is not a row.
 */
function joinRuns(bytes: Buffer, closing: StoredEntryRow, keepEntries: boolean, begun: RunsBegun): LinesWalked | undefined {
  const { lines } = begun;
  const walk = new ChainWalk(chainOptions(bytes));
  const rows = keepEntries ? new RowsKept(bytes, true) : undefined;
  const described: LedgerEntry[] = [];
  let last: string | undefined;
  for (const run of begun.runs) {
    if (!run || !walk.takeRun(run)) return undefined;
    for (const [body, hash] of run.described) described.push(toLedgerEntry({ body, hash }));
    last = run.lastHash;
    while (rows && rows.count < run.lastSeq) if (rows.done || !rows.next()) return undefined;
  }
  if ((rows && !rows.done) || walk.entries !== lines) return undefined;
  walk.take(closing.body, closing.hash, closing.seq);
  return { entries: rows?.entries, described, count: lines, last, chain: walk.finish(), threads: begun.threads };
}
