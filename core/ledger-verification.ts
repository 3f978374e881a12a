import { GENESIS_HASH, entryHashInput } from './ledger';

export type LedgerFindingReason = 'content_changed' | 'link_broken' | 'gap' | 'reordered' | 'malformed' | 'head_mismatch';

export interface LedgerVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headSeq: number;
  readonly headHash: string;
  readonly firstBadSeq?: number;
  readonly reason?: LedgerFindingReason;
  readonly message?: string;
}

/** A row as read back for verification: canonical texts kept as stored, nothing re-parsed. */
export interface StoredEntryRow {
  seq: number;
  recordedAt: string;
  utcOffset: string;
  actorsJson: string;
  kind: string;
  payloadJson: string;
  prevHash: string;
  hash: string;
}

export interface ChainWalkOptions {
  /** Hex SHA-256 of a UTF-8 string. */
  readonly sha256Hex: (text: string) => string;
  /** Whether an entry with this seq is stored anywhere; tells a reorder from a gap. Asked after the walk stopped. */
  readonly seqAppearsLater: (seq: number) => boolean;
  /** A head hash printed earlier (on a report); the ledger must still contain it. */
  readonly expectHead?: string;
}

/**
 * Walks entries in storage order and stops at the first one that breaks the chain, naming it
 * and why. Pure: the caller supplies the rows and the hash function.
 */
export function verifyChain(rows: Iterable<StoredEntryRow>, options: ChainWalkOptions): LedgerVerification {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let sawExpectedHead = options.expectHead === undefined;
  const fail = (firstBadSeq: number, reason: LedgerFindingReason, message: string): LedgerVerification => ({
    ok: false,
    entries: count,
    headSeq: expectedSeq - 1,
    headHash: prevHash,
    firstBadSeq,
    reason,
    message,
  });

  let outOfPlace: number | undefined;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      outOfPlace = row.seq;
      break; // leaving the loop closes the row source before it is asked to look ahead
    }
    const recomputed = options.sha256Hex(entryHashInput(row));
    if (recomputed !== row.hash) {
      return fail(row.seq, 'content_changed', `entry ${row.seq} was changed after it was written: its content no longer matches its hash`);
    }
    if (row.prevHash !== prevHash) {
      return fail(row.seq, 'link_broken', `entry ${row.seq} does not link to entry ${row.seq - 1}: its previous hash differs from the hash of entry ${row.seq - 1}`);
    }
    if (!sawExpectedHead && row.hash === options.expectHead) sawExpectedHead = true;
    prevHash = row.hash;
    expectedSeq += 1;
    count += 1;
  }

  if (outOfPlace !== undefined) {
    if (outOfPlace < expectedSeq || options.seqAppearsLater(expectedSeq)) {
      return fail(expectedSeq, 'reordered', `entry ${expectedSeq} is out of order: entry ${outOfPlace} is stored where entry ${expectedSeq} belongs`);
    }
    return fail(expectedSeq, 'gap', `entry ${expectedSeq} is missing: entry ${outOfPlace} follows entry ${expectedSeq - 1}`);
  }
  if (!sawExpectedHead) {
    return fail(
      expectedSeq,
      'head_mismatch',
      `the expected head ${options.expectHead} is not in the ledger, which ends at entry ${expectedSeq - 1}: entries after it were removed or the ledger was replaced`,
    );
  }
  return { ok: true, entries: count, headSeq: expectedSeq - 1, headHash: prevHash };
}
