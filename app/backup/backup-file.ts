import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { KeywardError } from '../../core/errors';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { openDatabase, type KeywardDatabase } from '../../db/connection';
import { entriesOfKinds, readHead } from '../../db/ledger';
import { verifyStoredLedger } from '../ledger/ledger';
import type { ProgressReport } from '../ports';

/** The SHA-256 of a file, read in pieces. */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    // Some file systems cannot flush a folder; the file itself is whole either way.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  } finally {
    closeSync(fd);
  }
}

/** A temporary name beside the target, so that the final rename stays on one file system. */
export const temporaryBeside = (target: string, what: string) => join(dirname(target), `${basename(target)}.${what}-${process.pid}-${randomBytes(4).toString('hex')}`);

export const removeQuietly = (path: string) => {
  for (const file of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) {
    try {
      unlinkSync(file);
    } catch {
      // not there: nothing to clean
    }
  }
};

/**
 * Copies a live database with SQLite's online backup API into a single self-contained file (the
 * copy leaves WAL mode, so it needs no -wal or -shm beside it), flushed to disk.
 */
export async function copyDatabase(source: KeywardDatabase, to: string, progress?: ProgressReport): Promise<void> {
  await source.backup(to, {
    progress: ({ totalPages, remainingPages }) => {
      progress?.(totalPages - remainingPages, totalPages);
      return 256;
    },
  });
  const copy = new Database(to);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  syncPath(to);
}

export interface CopyVerification {
  readonly verification: LedgerVerification;
  readonly head: { readonly seq: number; readonly hash: string };
  /** The hashes of the checkpoint entries it holds, in ledger order. */
  readonly checkpoints: readonly string[];
}

/** Opens a copy read-only as Keyward's own file and verifies its chain, approvals and checkpoints. */
export function verifyCopy(path: string): CopyVerification {
  const db = openDatabase(path, { readonly: true });
  try {
    return { verification: verifyStoredLedger(db), head: readHead(db), checkpoints: entriesOfKinds(db, ['ledger.checkpoint']).map((e) => e.hash) };
  } finally {
    db.close();
  }
}

/** Renames a finished file into place and makes the rename durable. */
export function moveIntoPlace(from: string, to: string): void {
  renameSync(from, to);
  syncPath(dirname(to));
}

export const refuseUnverified = (what: string, v: LedgerVerification) => {
  if (!v.ok) throw new KeywardError('verification_failed', `${what} does not verify (entry ${v.firstBadSeq}: ${v.message ?? v.reason}); nothing was written`, 'file');
};
