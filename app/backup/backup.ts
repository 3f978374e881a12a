import { resolve } from 'node:path';
import { KeywardError } from '../../core/errors';
import { appendEntry } from '../../db/ledger';
import { checkOutputPath } from '../output-file';
import { timestamp, type ProgressReport, type Session } from '../ports';
import { copyDatabase, fileSha256, moveIntoPlace, refuseUnverified, removeQuietly, temporaryBeside, verifyCopy } from './backup-file';

export interface BackupResult {
  readonly out: string;
  readonly sha256: string;
  readonly headSeq: number;
  readonly headHash: string;
  readonly checkpoints: number;
  /** The ledger entry that records the backup. */
  readonly ledgerSeq: number;
}

/**
 * A consistent copy of the database while Keyward runs, for removable media: SQLite's online
 * backup into a temporary file beside the target, flushed; the copy's chain, approvals and
 * checkpoints verified; renamed into place (the folder flushed too) and read back against its
 * hash; then the backup (file hash, head) is recorded in the ledger. A kill at any moment leaves
 * either no file at the target or a whole, verified one.
 */
export async function backupDatabase(session: Session, input: { out?: unknown }, progress?: ProgressReport): Promise<BackupResult> {
  const out = checkOutputPath(input.out);
  if (out === resolve(session.db.name)) throw new KeywardError('invalid_input', 'a backup cannot overwrite the database it copies', 'out');
  const temporary = temporaryBeside(out, 'partial');
  try {
    await copyDatabase(session.db, temporary, progress);
    const copy = verifyCopy(temporary);
    refuseUnverified('the copy', copy.verification);
    const sha256 = fileSha256(temporary);
    moveIntoPlace(temporary, out);
    if (fileSha256(out) !== sha256) {
      removeQuietly(out);
      throw new KeywardError('verification_failed', `${out} does not read back as it was written (the medium may be failing); it was removed`, 'out');
    }
    const entry = appendEntry(
      session.db,
      { kind: 'ledger.backed_up', actors: [session.actor], payload: { sha256, headSeq: copy.head.seq, headHash: copy.head.hash, checkpoints: copy.checkpoints.length, file: out } },
      timestamp(session.clock),
    );
    return { out, sha256, headSeq: copy.head.seq, headHash: copy.head.hash, checkpoints: copy.checkpoints.length, ledgerSeq: entry.seq };
  } finally {
    removeQuietly(temporary);
  }
}
