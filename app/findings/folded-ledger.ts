import { JUDGED_KINDS, foldFindings, type FindingsFold, type FoldSettings } from '../../core/findings/judge';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { KeywardDatabase } from '../../db/connection';
import { fileDataVersion, findEntry, readHead, type LedgerHead } from '../../db/ledger';
import { streamEntriesOfKinds } from '../../db/ledger-stream';
import { WHOLE_VERIFICATION_EVERY_MS } from '../ledger/verified-head';

/** How the ledger was folded for a judgement: from its first entry, only the entries after the folded head, or neither (nothing was appended). */
export type FoldMode = 'whole' | 'after-head' | 'remembered';

export interface FoldedLedger {
  readonly fold: FindingsFold;
  readonly mode: FoldMode;
  /** Entries of the judged kinds folded to reach it (0 when remembered). */
  readonly entriesFolded: number;
}

export interface FoldOptions {
  /** Fold the whole ledger and leave what is remembered as it was: the judgement a remembered fold must always agree with. */
  readonly fromScratch?: boolean;
}

interface Remembered {
  /** SQLite's data_version, read before the fold was taken to `head`. */
  readonly dataVersion: number;
  /** The last entry folded. */
  readonly head: LedgerHead;
  readonly fold: FindingsFold;
  /** When the ledger was last folded from its first entry, in ms. */
  readonly wholeAt: number;
}

const remembered = new WeakMap<KeywardDatabase, Remembered>();

function foldEntries(db: KeywardDatabase, fold: FindingsFold, range: { after?: number; upTo: number }): number {
  let folded = 0;
  for (const entry of streamEntriesOfKinds(db, JUDGED_KINDS, range)) {
    fold.take(entry);
    folded += 1;
  }
  return folded;
}

/**
 * The ledger folded into findings up to its head, at a cost in proportion to what was appended
 * since the last judgement on this connection rather than to the ledger's size. Per open
 * connection it remembers the fold, the head it reached and SQLite's data_version at the time, and
 * folds the whole ledger again, as verified-head verifies the whole database again, when:
 * - there is no fold yet, or the ledger does not verify (nothing is built on entries that may have been changed);
 * - the data_version moved (another connection or process committed to the file: anything may have been edited);
 * - the settings the entries were read under changed (the check interval, an item expected or no longer, the ledger's start);
 * - the head is not the folded one or after it, or the folded head's entry is no longer the one folded (a transaction rolled back and another took its place);
 * - the last whole fold is older than WHOLE_VERIFICATION_EVERY_MS, as the verification's is.
 * Otherwise only the entries after the folded head are taken, in order, by the fold that took the ones before.
 */
export function foldLedger(db: KeywardDatabase, settings: FoldSettings, now: Date, verification: LedgerVerification, options: FoldOptions = {}): FoldedLedger {
  // Read before folding: a commit by another connection after this point moves it, so the next judgement folds the whole ledger again.
  const dataVersion = fileDataVersion(db);
  const head = readHead(db);
  const at = now.getTime();
  const whole = (): FoldedLedger => {
    const fold = foldFindings(settings);
    if (!options.fromScratch) remembered.delete(db);
    const entriesFolded = foldEntries(db, fold, { upTo: head.seq });
    if (!options.fromScratch && verification.ok) remembered.set(db, { dataVersion, head, fold, wholeAt: at });
    return { fold, mode: 'whole', entriesFolded };
  };
  const last = remembered.get(db);
  if (options.fromScratch || !verification.ok || !last || last.dataVersion !== dataVersion || !last.fold.foldsLike(settings)) return whole();
  if (!(at - last.wholeAt < WHOLE_VERIFICATION_EVERY_MS)) return whole();
  if (head.seq === last.head.seq && head.hash === last.head.hash) return { fold: last.fold, mode: 'remembered', entriesFolded: 0 };
  if (head.seq <= last.head.seq || (last.head.seq > 0 && findEntry(db, last.head.seq)?.hash !== last.head.hash)) return whole();
  // The fold is taken further in place: forgotten until it reaches the head, so that a failed read never leaves half a fold remembered.
  remembered.delete(db);
  const entriesFolded = foldEntries(db, last.fold, { after: last.head.seq, upTo: head.seq });
  remembered.set(db, { ...last, head });
  return { fold: last.fold, mode: 'after-head', entriesFolded };
}

/** Forgets the fold kept for this connection: the next judgement folds the whole ledger. */
export const forgetFoldedLedger = (db: KeywardDatabase): void => {
  remembered.delete(db);
};
