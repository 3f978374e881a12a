import { canonicalJson } from '../../core/ledger/canonical-json';
import { parseCanonicalLine } from '../../core/ledger/canonical-line';
import { KeywardError } from '../../core/errors';
import { GENESIS_HASH, type LedgerEntry } from '../../core/ledger/ledger';
import { verifyChain, type LedgerVerification, type StoredEntryRow } from '../../core/ledger/ledger-verification';
import type { KeywardDatabase } from '../../db/connection';
import { readInputFile } from '../input-file';
import { writeAll, writeOutputFileSync } from '../output-file';
import type { ProgressReport } from '../ports';
import { approvalsInspectorReads, createApprovalInspector } from './approval-verification';
import { ledgerRunsOnWalkers } from './ledger-walkers';
import { checkSignaturesInParallel, type SignatureChecks } from './signature-checks';
import { withCheckpoints } from './checkpoint-verification';
import { fileDamageBesideLedger, iterateStoredRows, listEntries, readHead, sha256Hex, toLedgerEntry, verifyLedger, type LedgerHead, type LedgerRuns, type VerifyLedgerOptions } from '../../db/ledger';
import { readInventoryRows } from '../../db/inventory-rows';
import { InventoryReplay, changesInventory, compareInventory } from '../../core/ledger/replay';

const HEX64 = /^[0-9a-f]{64}$/;

export function parseExpectedHead(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !HEX64.test(value.trim().toLowerCase())) {
    throw new KeywardError('invalid_input', 'the expected head must be a SHA-256 hash: 64 hexadecimal characters', 'expectHead');
  }
  return value.trim().toLowerCase();
}

/** How many disagreeing rows a verification names before it says how many more there are. */
const NAMED_MISMATCHES = 50;

/**
 * The whole database under verification, in one pass over the ledger: SQLite's check of every
 * other table first, then the chain with every approval while the inventory is replayed from
 * the entries that change it, then the ledger's index on kind and the inventory tables against
 * that replay, in the same read transaction. Memory holds a batch of rows and the inventory,
 * never the ledger.
 */
export function verifyStoredLedger(db: KeywardDatabase, input: { expectHead?: unknown } = {}, progress?: ProgressReport): LedgerVerification {
  return verifyWholeDatabase(db, { expectHead: parseExpectedHead(input.expectHead), progress });
}

/**
 * verifyStoredLedger, with the approvals inspector and its signature checks given by the caller:
 * one that keeps them holds what the walk learned (custodians' keys, checkpoints) and can show
 * them the entries appended later (app/ledger/verified-head.ts).
 */
export function verifyWholeDatabase(
  db: KeywardDatabase,
  options: { expectHead?: string; progress?: ProgressReport; signatures?: SignatureChecks; approvals?: Inspect; runs?: LedgerRuns | null },
): LedgerVerification {
  const { expectHead, progress } = options;
  const damage = fileDamageBesideLedger(db);
  if (damage) {
    const head = readHead(db);
    return { ok: false, entries: 0, headSeq: head.seq, headHash: head.hash, firstBadSeq: 0, reason: 'damaged', message: `the database file is damaged: ${damage}` };
  }
  const replay = new InventoryReplay();
  return verifyChainAndApprovals(db, {
    expectHead,
    progress,
    signatures: options.signatures,
    approvals: options.approvals,
    runs: options.runs,
    alsoReads: changesInventory,
    alsoInspect: (body, seq, kind) => {
      // The walk proved the body canonical: parsing it reads the fields it hashed.
      if (changesInventory(kind)) replay.take({ seq, kind, payload: (JSON.parse(body) as LedgerEntry).payload });
      return undefined;
    },
    afterWalk: (chain) => {
      const problems = compareInventory(readInventoryRows(db), replay.rows);
      if (problems.length === 0) return chain;
      const more = problems.length > NAMED_MISMATCHES ? `; and ${problems.length - NAMED_MISMATCHES} more` : '';
      return { ...chain, ok: false, firstBadSeq: 0, reason: 'inventory_mismatch', message: `the inventory tables disagree with the ledger (edited outside Keyward): ${problems.slice(0, NAMED_MISMATCHES).join('; ')}${more}` };
    },
  });
}

export type Inspect = NonNullable<VerifyLedgerOptions['inspect']>;

/** The inspector every verification shows entries to: approvals, custodians' signatures (sent to `signatures`) and checkpoints. */
export const createLedgerInspector = (signatures: SignatureChecks): Inspect => withCheckpoints(createApprovalInspector(signatures));

/** The kinds of entry the ledger inspector reads when they carry no approvals: checkpoints, and what the approvals inspector reads. */
export const ledgerInspectorReads = (kind: string): boolean => kind === 'ledger.checkpoint' || approvalsInspectorReads(kind);

/**
 * The chain, every approval and checkpoint: runs of a large ledger are walked on threads of their
 * own, one per core (`runs`; null walks on this thread alone), and custodians' signatures are
 * checked on other threads while the walk goes on; the earliest entry anything found wrong is the
 * one named. `alsoInspect` sees each entry that passed those checks, in order, of the kinds
 * `alsoReads` names (every entry without it); `afterWalk` runs in the same read transaction once
 * the walk found everything sound.
 */
export function verifyChainAndApprovals(
  db: KeywardDatabase,
  options: {
    expectHead?: string;
    progress?: ProgressReport;
    signatures?: SignatureChecks;
    approvals?: Inspect;
    alsoInspect?: Inspect;
    alsoReads?: (kind: string) => boolean;
    afterWalk?: VerifyLedgerOptions['afterWalk'];
    runs?: LedgerRuns | null;
  } = {},
): LedgerVerification {
  const signatures = options.signatures ?? checkSignaturesInParallel();
  // Given, it sends its signatures to `signatures`: the caller made it so.
  const approvals: Inspect = options.approvals ?? createLedgerInspector(signatures);
  const also = options.alsoInspect;
  const inspect: Inspect = also ? (body, seq, kind) => approvals(body, seq, kind) ?? also(body, seq, kind) : approvals;
  const alsoReads = options.alsoReads;
  const inspects = !also ? ledgerInspectorReads : alsoReads ? (kind: string) => ledgerInspectorReads(kind) || alsoReads(kind) : undefined;
  const runs = options.runs === undefined ? ledgerRunsOnWalkers(db) : (options.runs ?? undefined);
  try {
    return verifyLedger(db, { expectHead: options.expectHead, inspect, inspects, runs, lateFindings: () => signatures.lateFinding(), progress: options.progress, afterWalk: options.afterWalk });
  } finally {
    signatures.close();
  }
}

export const ledgerHead = (db: KeywardDatabase): LedgerHead => readHead(db);

export function recentEntries(db: KeywardDatabase, input: { limit?: unknown; beforeSeq?: unknown } = {}): LedgerEntry[] {
  const limit = input.limit ?? 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new KeywardError('invalid_input', 'limit must be a whole number from 1 to 1000', 'limit');
  }
  const beforeSeq = input.beforeSeq;
  if (beforeSeq !== undefined && (typeof beforeSeq !== 'number' || !Number.isInteger(beforeSeq) || beforeSeq < 1)) {
    throw new KeywardError('invalid_input', 'beforeSeq must be a positive whole number', 'beforeSeq');
  }
  return listEntries(db, { limit, beforeSeq: beforeSeq as number | undefined });
}

/**
 * Writes the whole ledger as JSON Lines, one canonical entry per line, in storage order. The
 * target is checked before the ledger is read, and the file is written whole or not at all
 * (see writeOutputFileSync).
 */
export function exportLedger(db: KeywardDatabase, outPath: string): { entries: number; headHash: string } {
  return writeOutputFileSync(outPath, (fd) => {
    let entries = 0;
    let headHash = '';
    db.transaction(() => {
      headHash = readHead(db).hash;
      let buffer = '';
      for (const row of iterateStoredRows(db)) {
        buffer += `${canonicalJson(toLedgerEntry(row) as never)}\n`;
        entries += 1;
        if (buffer.length > 1 << 20) {
          writeAll(fd, buffer);
          buffer = '';
        }
      }
      writeAll(fd, buffer);
    })();
    return { entries, headHash };
  });
}

/**
 * Verifies an exported JSON Lines file on its own, with no database: what an auditor runs. Every
 * line must be exactly the canonical encoding of its entry (no duplicate keys, no other spelling
 * of the same JSON), so that what was hashed is the only way to read the line. A line that is not
 * is a finding ('malformed') naming the line, as a broken chain is.
 */
export function verifyExportedLedger(path: string, input: { expectHead?: unknown } = {}): LedgerVerification {
  const expectHead = parseExpectedHead(input.expectHead);
  const lines = splitLines(readInputFile(path));
  const seqs = new Set<number>();
  const rows: StoredEntryRow[] = [];
  let malformed: { line: number; problem: string } | undefined =
    lines.length === 0 ? { line: 1, problem: 'the file is empty, and an export holds at least entry 1 (the ledger\'s creation)' } : undefined;
  lines.forEach((line, index) => {
    const parsed = parseExportLine(line, seqs);
    if (typeof parsed === 'string') malformed ??= { line: index + 1, problem: parsed };
    else if (!malformed) rows.push(parsed);
  });
  const walkOptions = { sha256Hex, seqAppearsLater: (seq: number) => seqs.has(seq), inspect: withCheckpoints(createApprovalInspector()) };
  if (!malformed) return verifyChain(rows, { ...walkOptions, expectHead });
  // The entries before a malformed line are walked first: a break among them is the first finding.
  const walk = rows.length > 0 ? verifyChain(rows, walkOptions) : { ok: true, entries: 0, headSeq: 0, headHash: GENESIS_HASH };
  if (!walk.ok) return walk;
  return { ...walk, ok: false, firstBadSeq: walk.headSeq + 1, reason: 'malformed', message: `line ${malformed.line} is not a ledger entry: ${malformed.problem}` };
}

/** Lines as bytes, split at LF; a final LF ends the last line rather than starting an empty one. */
export function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

// Fatal: a byte that is not UTF-8 must not be read as U+FFFD; the BOM is kept, so that it makes the line non-canonical.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The stored row for one line, or what is wrong with the line. */
export function parseExportLine(bytes: Buffer, seqs: Set<number>): StoredEntryRow | string {
  let line: string;
  try {
    line = UTF8.decode(bytes);
  } catch {
    return 'not valid UTF-8';
  }
  const parsed = parseCanonicalLine(line);
  if (!parsed.ok) return parsed.problem;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  for (const key of ['recordedAt', 'utcOffset', 'kind', 'prevHash', 'hash'] as const) {
    if (typeof value[key] !== 'string') return `"${key}" must be a string`;
  }
  if (!Number.isSafeInteger(value.seq)) return '"seq" must be a whole number';
  if (!Array.isArray(value.actors)) return '"actors" must be an array';
  if (typeof value.payload !== 'object' || value.payload === null || Array.isArray(value.payload)) return '"payload" must be an object';
  seqs.add(value.seq as number);
  const { hash, ...unsealed } = value;
  return { body: canonicalJson(unsealed), hash: hash as string };
}
