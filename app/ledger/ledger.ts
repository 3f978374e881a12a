import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { canonicalJson } from '../../core/ledger/canonical-json';
import { KeywardError } from '../../core/errors';
import type { LedgerEntry } from '../../core/ledger/ledger';
import { verifyChain, type LedgerVerification, type StoredEntryRow } from '../../core/ledger/ledger-verification';
import type { KeywardDatabase } from '../../db/connection';
import { createApprovalInspector } from './approval-verification';
import { iterateStoredRows, listEntries, readHead, sha256Hex, toLedgerEntry, verifyLedger, type LedgerHead } from '../../db/ledger';

const HEX64 = /^[0-9a-f]{64}$/;

export function parseExpectedHead(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !HEX64.test(value.trim().toLowerCase())) {
    throw new KeywardError('invalid_input', 'the expected head must be a SHA-256 hash: 64 hexadecimal characters', 'expectHead');
  }
  return value.trim().toLowerCase();
}

export function verifyStoredLedger(db: KeywardDatabase, input: { expectHead?: unknown } = {}): LedgerVerification {
  return verifyLedger(db, { expectHead: parseExpectedHead(input.expectHead), inspect: createApprovalInspector() });
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
 * file is written beside the target and renamed into place, so a crash never leaves half a file.
 */
export function exportLedger(db: KeywardDatabase, outPath: string): { entries: number; headHash: string } {
  const temporary = `${outPath}.partial-${process.pid}`;
  const fd = openSync(temporary, 'w', 0o644);
  let entries = 0;
  let headHash = readHead(db).hash;
  try {
    db.transaction(() => {
      headHash = readHead(db).hash;
      let buffer = '';
      for (const row of iterateStoredRows(db)) {
        buffer += `${canonicalJson(toLedgerEntry(row) as never)}\n`;
        entries += 1;
        if (buffer.length > 1 << 20) {
          writeSync(fd, buffer);
          buffer = '';
        }
      }
      writeSync(fd, buffer);
    })();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, outPath);
  return { entries, headHash };
}

/** Verifies an exported JSON Lines file on its own, with no database: what an auditor runs. */
export function verifyExportedLedger(path: string, input: { expectHead?: unknown } = {}): LedgerVerification {
  const expectHead = parseExpectedHead(input.expectHead);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot read ${path}: ${(error as Error).message}`, 'file');
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const seqs = new Set<number>();
  const rows: StoredEntryRow[] = lines.map((line, index) => parseExportLine(line, index + 1, seqs));
  return verifyChain(rows, { sha256Hex, seqAppearsLater: (seq) => seqs.has(seq), expectHead, inspect: createApprovalInspector() });
}

function parseExportLine(line: string, lineNumber: number, seqs: Set<number>): StoredEntryRow {
  const bad = (why: string) => new KeywardError('invalid_input', `line ${lineNumber} is not a ledger entry: ${why}`, 'file');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw bad((error as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected a JSON object');
  const entry = value as Record<string, unknown>;
  for (const key of ['recordedAt', 'utcOffset', 'kind', 'prevHash', 'hash'] as const) {
    if (typeof entry[key] !== 'string') throw bad(`"${key}" must be a string`);
  }
  if (!Number.isSafeInteger(entry.seq)) throw bad('"seq" must be a whole number');
  if (!Array.isArray(entry.actors)) throw bad('"actors" must be an array');
  if (typeof entry.payload !== 'object' || entry.payload === null || Array.isArray(entry.payload)) throw bad('"payload" must be an object');
  seqs.add(entry.seq as number);
  const { hash, ...unsealed } = entry;
  try {
    return { body: canonicalJson(unsealed), hash: hash as string };
  } catch (error) {
    throw bad((error as Error).message);
  }
}
