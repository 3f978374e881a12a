import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import type { KeywardDatabase } from '../../db/connection';
import { fileDataVersion, readHead, verifyLedgerAfter } from '../../db/ledger';
import { createLedgerInspector, verifyWholeDatabase, type Inspect } from './ledger';
import { checkSignaturesInParallel, checkSignaturesNow, type SignatureChecks } from './signature-checks';

/**
 * How long a whole verification stands for the status before it is done again although nothing
 * else wrote to the file. The walk from a verified head sees only the entries after it; the
 * whole verification also replays the inventory against its tables, reads the ledger's index on
 * kind and asks SQLite to check every other table. Those change without another connection
 * committing only through this process's own use cases (which write an entry and its inventory
 * change together) or through the disk itself going bad: a whole verification every so often
 * bounds how long either goes unseen by the header. The Ledger screen's Verify, `keyward ledger
 * verify`, reports and audit bundles always verify the whole database.
 */
export const WHOLE_VERIFICATION_EVERY_MS = 10 * 60_000;

/** How the last status verification was done: the whole database, the entries after the verified head, or neither (nothing changed). */
export type VerificationMode = 'whole' | 'after-head' | 'remembered';

export interface StatusVerification {
  readonly verification: LedgerVerification;
  readonly mode: VerificationMode;
  /** Ledger entries walked to reach it (0 when remembered). */
  readonly entriesWalked: number;
}

interface Remembered {
  /** SQLite's data_version, read before the verification this verdict came from. */
  readonly dataVersion: number;
  readonly verdict: LedgerVerification;
  /** The approvals inspector that saw every entry up to the verdict's head, in order: what it learned (custodians' keys, checkpoints) carries on to later entries. */
  readonly inspect: Inspect;
  /** When the whole database was last verified, in ms. */
  readonly wholeAt: number;
}

const remembered = new WeakMap<KeywardDatabase, Remembered>();

/**
 * Signature checks that go to worker threads during a whole verification and are done on this
 * thread afterwards: the inspector the walk leaves behind keeps checking the few entries
 * appended later without threads to start.
 */
function parallelThenHere(): SignatureChecks {
  let current: SignatureChecks = checkSignaturesInParallel();
  return {
    check: (job) => current.check(job),
    lateFinding: () => current.lateFinding(),
    close: () => {
      current.close();
      current = checkSignaturesNow();
    },
  };
}

function verifyWhole(db: KeywardDatabase, dataVersion: number, now: number): StatusVerification {
  const signatures = parallelThenHere();
  const inspect = createLedgerInspector(signatures);
  const verification = verifyWholeDatabase(db, { signatures, approvals: inspect });
  remembered.set(db, { dataVersion, verdict: verification, inspect, wholeAt: now });
  return { verification, mode: 'whole', entriesWalked: verification.ok ? verification.entries : (verification.firstBadSeq ?? verification.entries) };
}

/**
 * The ledger's verdict for the status (the header), as sound as a whole verification at a
 * fraction of its cost once the ledger is large. Per open connection it remembers the last
 * verdict, the head it verified and SQLite's data_version at the time:
 * - no verdict yet, a verdict that was not sound, a data_version that moved (another connection
 *   or process committed to the file: anything may have been edited), a head that is not the
 *   remembered one or after it, or a whole verification older than WHOLE_VERIFICATION_EVERY_MS:
 *   the whole database is verified;
 * - the same head: the remembered verdict;
 * - a head further on: only the entries after the remembered head are walked, linked from its
 *   hash, canonical, with every approval and checkpoint checked by the inspector that saw the
 *   entries before them; the verdict counts them with the ones verified before.
 */
export function verifyForStatus(db: KeywardDatabase, now: Date, options: { wholeEveryMs?: number } = {}): StatusVerification {
  // Read before verifying: a commit by another connection after this point moves it, so the next status verifies the whole file again.
  const dataVersion = fileDataVersion(db);
  const at = now.getTime();
  const last = remembered.get(db);
  if (!last || !last.verdict.ok || last.dataVersion !== dataVersion || !(at - last.wholeAt < (options.wholeEveryMs ?? WHOLE_VERIFICATION_EVERY_MS))) {
    return verifyWhole(db, dataVersion, at);
  }
  const head = readHead(db);
  const verified = { seq: last.verdict.headSeq, hash: last.verdict.headHash };
  if (head.seq === verified.seq && head.hash === verified.hash) return { verification: last.verdict, mode: 'remembered', entriesWalked: 0 };
  // A head that went back, or another entry under the remembered head's seq: not a ledger that grew.
  if (head.seq <= verified.seq) return verifyWhole(db, dataVersion, at);
  let walked = 0;
  const verification = verifyLedgerAfter(db, verified, {
    inspect: (body, seq, kind) => {
      walked += 1;
      return last.inspect(body, seq, kind);
    },
  });
  // A verdict that is not sound is never built on: the next status verifies the whole database.
  remembered.set(db, { ...last, verdict: verification });
  return { verification, mode: 'after-head', entriesWalked: walked };
}

/** Forgets what was verified on this connection: the next status verifies the whole database. */
export const forgetVerifiedHead = (db: KeywardDatabase): void => {
  remembered.delete(db);
};
