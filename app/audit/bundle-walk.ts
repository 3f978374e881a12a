// The walk of an audit bundle's ledger.jsonl: on this thread, or for a large bundle in runs on the
// ledger's walking threads (app/ledger/ledger-walkers.ts) joined here in order. Either way the
// verdict is the same, word for word: anything but sound runs is walked again here.
import { chainFieldsOf, LEDGER_ENTRY_KINDS, type LedgerEntry } from '../../core/ledger/ledger';
import { ChainWalk, type ChainWalkOptions, type LedgerVerification, type StoredEntryRow } from '../../core/ledger/ledger-verification';
import { sha256Hex, toLedgerEntry } from '../../db/ledger';
import { createApprovalInspector } from '../ledger/approval-verification';
import { withCheckpoints } from '../ledger/checkpoint-verification';
import { ledgerInspectorReads } from '../ledger/ledger';
import type { BundleRuns } from '../ledger/ledger-walkers';
import { rowOfLine } from './bundle-lines';

const DESCRIBING = new Set(['ledger.created', 'site.named', 'ledger.checkpoint', 'custodians.founded', 'custodian.key_enrolled', 'custodian.key_replaced']);
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

/**
 * Every line of ledger.jsonl (`bytes`, decoded as `text`) read as a row and walked as the ledger's
 * chain with the closing checkpoint after the last. From `runs.from` lines on, the runs are walked
 * on the walking threads; a run they could not walk soundly, or none running, and it is walked
 * here whole instead, so that what is wrong is named as a walk here names it.
 */
export function walkBundleLines(bytes: Buffer, text: string, closing: StoredEntryRow, keepEntries: boolean, runs?: BundleRuns): LinesRead {
  return (runs && walkOnThreads(bytes, text, closing, keepEntries, runs)) || walkHere(text, closing, keepEntries);
}

/** A fresh inspector each walk: it remembers what it was shown. */
function chainOptions(text: string): ChainWalkOptions {
  // Asked only once the walk has stopped, to tell a reordered entry from a missing one.
  const seqAppearsLater = (seq: number) => {
    for (let start = 0; start < text.length; start = text.indexOf('\n', start) + 1) {
      const row = rowOfLine(text.slice(start, text.indexOf('\n', start)));
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
  private start = 0;

  constructor(
    private readonly text: string,
    keepEntries: boolean,
  ) {
    this.entries = keepEntries ? [] : undefined;
  }

  get done(): boolean {
    return this.start >= this.text.length;
  }

  /** The next line's row, kept; undefined when the line is not an entry. */
  next(): Row | undefined {
    const end = this.text.indexOf('\n', this.start);
    const row = rowOfLine(this.text.slice(this.start, end));
    this.start = end + 1;
    this.count += 1;
    if (!row) return undefined;
    if (DESCRIBING.has(row.kind)) this.described.push(toLedgerEntry(row));
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
function walkHere(text: string, closing: StoredEntryRow, keepEntries: boolean): LinesRead {
  const walk = new ChainWalk(chainOptions(text));
  const rows = new RowsKept(text, keepEntries);
  let walking = true;
  while (!rows.done) {
    const row = rows.next();
    if (!row) return { notAnEntry: rows.count };
    if (walking) walking = walk.take(row.body, row.hash);
  }
  if (walking) walk.take(closing.body, closing.hash, closing.seq);
  return { entries: rows.entries, described: rows.described, count: rows.count, last: rows.last, chain: walk.finish() };
}

/**
 * The runs walked on the threads, joined here in order, while this thread reads the rows of each
 * run joined (cheap beside walking them). Undefined where the walk here must decide: too few
 * lines, no thread, a run not walked soundly, a run that does not join, a line that is not a row.
 */
function walkOnThreads(bytes: Buffer, text: string, closing: StoredEntryRow, keepEntries: boolean, runs: BundleRuns): LinesWalked | undefined {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines += 1;
  if (lines < runs.from) return undefined;
  const runLength = runs.runLength(lines);
  // Run i starts at line i × runLength + 1 (that line must hold that entry: the walk proves it).
  const starts = [0];
  for (let at = bytes.indexOf(0x0a), line = 1; at !== -1; at = bytes.indexOf(0x0a, at + 1), line += 1) {
    if (line % runLength === 0) starts.push(at + 1);
  }
  if (starts.at(-1) !== bytes.length) starts.push(bytes.length);
  // Copied once, shared by every thread rather than posted to each.
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  const walk = new ChainWalk(chainOptions(text));
  const rows = new RowsKept(text, keepEntries);
  for (const run of runs.walk({ lines: shared, starts, runLength, shownKinds: SHOWN_KINDS })) {
    if (!run || !walk.takeRun(run)) return undefined;
    while (rows.count < run.lastSeq) if (rows.done || !rows.next()) return undefined;
  }
  if (!rows.done || rows.count !== lines || walk.entries !== lines) return undefined;
  walk.take(closing.body, closing.hash, closing.seq);
  return { entries: rows.entries, described: rows.described, count: rows.count, last: rows.last, chain: walk.finish(), threads: runs.threads };
}
