import { GENESIS_HASH, chainFieldsOf } from './ledger';

export type LedgerFindingReason = 'content_changed' | 'link_broken' | 'gap' | 'reordered' | 'malformed' | 'head_mismatch' | 'approval_invalid' | 'damaged' | 'inventory_mismatch';

export interface LedgerVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headSeq: number;
  readonly headHash: string;
  readonly firstBadSeq?: number;
  readonly reason?: LedgerFindingReason;
  readonly message?: string;
}

/** A row as stored: the entry's canonical body and the hash claimed for it. */
export interface StoredEntryRow {
  body: string;
  hash: string;
}

export interface ChainWalkOptions {
  /** Hex SHA-256 of a UTF-8 string. */
  readonly sha256Hex: (text: string) => string;
  /** Whether an entry with this seq is stored anywhere; tells a reorder from a gap. Asked after the walk stopped. */
  readonly seqAppearsLater: (seq: number) => boolean;
  /** A head hash printed earlier (on a report); the ledger must still contain it. */
  readonly expectHead?: string;
  /**
   * Checks what an entry claims beyond its place in the chain (custodians' signatures), once its
   * hash and link are sound; returns what is wrong, or nothing. Entries are shown in order.
   */
  readonly inspect?: (body: string, seq: number) => string | undefined;
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
    const chain = chainFieldsOf(row.body);
    if (!chain) {
      return fail(expectedSeq, 'content_changed', `entry ${expectedSeq} was changed after it was written: its stored text is no longer a well-formed ledger entry`);
    }
    if (chain.seq !== expectedSeq) {
      outOfPlace = chain.seq;
      break; // leaving the loop closes the row source before it is asked to look ahead
    }
    if (options.sha256Hex(row.body) !== row.hash) {
      return fail(chain.seq, 'content_changed', `entry ${chain.seq} was changed after it was written: its content no longer matches its hash`);
    }
    if (chain.prevHash !== prevHash) {
      return fail(chain.seq, 'link_broken', `entry ${chain.seq} does not link to entry ${chain.seq - 1}: its previous hash differs from the hash of entry ${chain.seq - 1}`);
    }
    const problem = options.inspect?.(row.body, chain.seq);
    if (problem) return fail(chain.seq, 'approval_invalid', `entry ${chain.seq}: ${problem}`);
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
  if (count === 0) return fail(1, 'gap', 'the ledger is empty: every Keyward ledger begins with its creation entry, so its entries were removed');
  if (!sawExpectedHead) {
    return fail(
      expectedSeq,
      'head_mismatch',
      `the expected head ${options.expectHead} is not in the ledger, which ends at entry ${expectedSeq - 1}: entries after it were removed or the ledger was replaced`,
    );
  }
  return { ok: true, entries: count, headSeq: expectedSeq - 1, headHash: prevHash };
}
