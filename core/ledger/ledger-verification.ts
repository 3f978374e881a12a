import { CanonicalEntryScan, chainTailOf } from './canonical-entry';
import { chainFieldsOf, GENESIS_HASH } from './ledger';

export type LedgerFindingReason = 'content_changed' | 'link_broken' | 'gap' | 'reordered' | 'malformed' | 'head_mismatch' | 'approval_invalid' | 'damaged' | 'inventory_mismatch';

export interface LedgerVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headSeq: number;
  readonly headHash: string;
  readonly firstBadSeq?: number;
  readonly reason?: LedgerFindingReason;
  readonly message?: string;
  /** When runs of a large ledger were walked on other threads: how many threads walked them. */
  readonly threads?: number;
}

/** A row as stored: the entry's canonical body and the hash claimed for it. */
export interface StoredEntryRow {
  body: string;
  hash: string;
  /** The seq the row is stored under, where storage keeps one beside the body; it must be the body's. */
  seq?: number;
}

/** A verdict that arrives after its entry was walked (a signature checked on another thread). */
export interface LateFinding {
  readonly seq: number;
  /** The hash of the entry before it, the last one that stands. */
  readonly headHash: string;
  readonly message: string;
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
  readonly inspect?: (body: string, seq: number, kind: string) => string | undefined;
  /**
   * The kinds `inspect` reads in entries without approvals. Entries that carry approvals, and
   * entries 1 and 2 (the creation and what pins the site), are shown to it whatever their kind.
   * Without it, every entry is shown. A walk split across threads shows the main thread only
   * those entries.
   */
  readonly inspects?: (kind: string) => boolean;
  /**
   * Asked once the walk is over, for checks whose verdicts come late: the earliest entry they
   * found wrong. It wins over the walk's own finding when it names an earlier entry.
   */
  readonly lateFindings?: () => LateFinding | undefined;
  /**
   * A head an earlier walk of the same ledger found sound: this walk starts with the entry after
   * it, linked to its hash, and counts the entries up to it as walked. Without it, entry 1.
   */
  readonly after?: { readonly seq: number; readonly hash: string };
}

/**
 * A run of consecutive entries another thread walked and found sound on its own (each canonical,
 * its seq its place, its hash matching, each linked to the one before): what the walk still has to
 * check is that the run links to the entry before it, and the entries it must show `inspect`.
 */
export interface VerifiedRun {
  /** The seq of the run's last entry; the run starts right after the walk's last entry. */
  readonly lastSeq: number;
  /** The previous hash written in the run's first entry, and the hash of its last. */
  readonly firstPrevHash: string;
  readonly lastHash: string;
  readonly kinds: readonly (readonly [string, number])[];
  /** Whether the expected head is among the run's hashes. */
  readonly sawExpectedHead: boolean;
  /** The entries `inspect` is to be shown (see ChainWalkOptions.inspects), in order: seq, kind, body. */
  readonly shown: readonly (readonly [number, string, string])[];
}

/**
 * Walks entries in storage order and stops at the first one that breaks the chain, naming it
 * and why. Pure: the caller supplies the rows and the hash function.
 */
export function verifyChain(rows: Iterable<StoredEntryRow>, options: ChainWalkOptions): LedgerVerification {
  const walk = new ChainWalk(options);
  // Leaving the loop closes the row source before the walk looks ahead in it.
  for (const row of rows) if (!walk.take(row.body, row.hash, row.seq)) break;
  return walk.finish();
}

/**
 * The chain walk one row at a time, for callers that read rows in batches: `take` each row in
 * storage order until it returns false, then `finish`. Every body is proved canonical before its
 * fields are read at fixed offsets and its stored bytes hashed as they are.
 */
export class ChainWalk {
  private expectedSeq = 1;
  /** The hash the next entry must link to; undefined for a run walked on its own (see `startingAt`), until its first entry. */
  private prevHash: string | undefined = GENESIS_HASH;
  /** In a run walked on its own, the previous hash its first entry names. */
  firstPrevHash: string | undefined;
  private count = 0;
  private expectedHeadSeen: boolean;
  private outOfPlace: number | undefined;
  private finding: LedgerVerification | undefined;
  private readonly scan = new CanonicalEntryScan();
  private readonly kindCounts = new Map<string, number>();

  constructor(private readonly options: ChainWalkOptions) {
    this.expectedHeadSeen = options.expectHead === undefined;
    if (options.after) {
      this.expectedSeq = options.after.seq + 1;
      this.prevHash = options.after.hash;
      this.count = options.after.seq;
    }
  }

  /**
   * A walk of the entries from `seq` on alone, not knowing the hash of the entry before: its first
   * entry's previous hash is kept (`firstPrevHash`) for whoever joins the runs, and every later
   * one is linked as usual. Entries are shown to `inspect` as the options say.
   */
  static startingAt(seq: number, options: ChainWalkOptions): ChainWalk {
    const walk = new ChainWalk({ ...options, after: undefined });
    walk.expectedSeq = seq;
    walk.count = seq - 1;
    walk.prevHash = undefined;
    return walk;
  }

  /** The entries walked so far. */
  get entries(): number {
    return this.count;
  }

  /** The hash of the last entry walked. */
  get head(): string {
    return this.prevHash ?? '';
  }

  /** Whether the expected head (if any) was among the entries walked. */
  get sawExpectedHead(): boolean {
    return this.expectedHeadSeen;
  }

  /** Whether the walk stopped: at a finding, or at an entry stored out of its place. */
  get stopped(): boolean {
    return this.finding !== undefined || this.outOfPlace !== undefined;
  }

  /**
   * Takes a run another thread walked (see VerifiedRun): it must link to the last entry walked
   * here, and the entries it shows go to `inspect` in order, as if walked here. False once the
   * walk stopped; a run that does not link stops it with the finding a walk here would make.
   */
  takeRun(run: VerifiedRun): boolean {
    if (this.stopped) return false;
    const first = this.expectedSeq;
    if (run.firstPrevHash !== this.prevHash) {
      return this.fail(first, 'link_broken', `entry ${first} does not link to entry ${first - 1}: its previous hash differs from the hash of entry ${first - 1}`);
    }
    const inspect = this.options.inspect;
    for (const [seq, kind, body] of run.shown) {
      const problem = inspect?.(body, seq, kind);
      if (problem) {
        // The run was sound up to this entry: the verdict names it as a walk here would.
        this.expectedSeq = seq;
        this.count = seq - 1;
        this.prevHash = chainFieldsOf(body)!.prevHash;
        return this.fail(seq, 'approval_invalid', `entry ${seq}: ${problem}`);
      }
    }
    for (const [kind, n] of run.kinds) this.kindCounts.set(kind, (this.kindCounts.get(kind) ?? 0) + n);
    if (run.sawExpectedHead) this.expectedHeadSeen = true;
    this.prevHash = run.lastHash;
    this.expectedSeq = run.lastSeq + 1;
    this.count = run.lastSeq;
    return true;
  }

  /** How many of the entries walked so far are of each kind (of those after `after`, where the walk started there). */
  get kinds(): ReadonlyMap<string, number> {
    return this.kindCounts;
  }

  /** Stops the walk where the rows could no longer be read: the file is damaged from the next entry on. */
  unreadable(problem: string): LedgerVerification {
    this.fail(this.expectedSeq, 'damaged', `the database file is damaged: ${problem} (reading entry ${this.expectedSeq} and after)`);
    return this.finding!;
  }

  private fail(firstBadSeq: number, reason: LedgerFindingReason, message: string): false {
    this.finding = { ok: false, entries: this.count, headSeq: this.expectedSeq - 1, headHash: this.prevHash ?? '', firstBadSeq, reason, message };
    return false;
  }

  /** Walks one row; false once the walk has stopped and wants no more rows. */
  take(body: string, hash: string, storedSeq?: number): boolean {
    return this.takeAt(body, 0, hash, storedSeq);
  }

  /** Walks one row read as one string, its 64-character hash followed by its body. */
  takeRow(row: string, storedSeq: number): boolean {
    return this.takeAt(row, 64, undefined, storedSeq);
  }

  /** The body is `text` from `start` on; the stored hash is `hash`, or without it the 64 characters before the body. */
  private takeAt(text: string, start: number, hash: string | undefined, storedSeq: number | undefined): boolean {
    if (this.finding || this.outOfPlace !== undefined) return false;
    const expected = this.expectedSeq;
    // The tail and the rest are read in place in the text as SQLite returned it (a slice reads slower).
    const chain = chainTailOf(text, start);
    if (!chain || !this.scan.scan(text, chain.tailAt, start)) {
      const why = chain ? this.scan.problem : 'its chain fields are not written as Keyward writes them';
      return this.fail(expected, 'content_changed', `entry ${expected} was changed after it was written: its stored text is no longer a well-formed ledger entry (${why})`);
    }
    if (chain.seq !== expected) {
      this.outOfPlace = chain.seq;
      return false;
    }
    if (storedSeq !== undefined && storedSeq !== expected) {
      return this.fail(expected, 'reordered', `entry ${expected} is out of order: it is stored as entry ${storedSeq}`);
    }
    const body = start === 0 ? text : text.slice(start);
    const computed = this.options.sha256Hex(body);
    // 64 characters compared as strings: startsWith walks them one by one, several times slower when they match.
    if (hash === undefined ? text.substring(0, 64) !== computed : computed !== hash) {
      return this.fail(expected, 'content_changed', `entry ${expected} was changed after it was written: its content no longer matches its hash`);
    }
    // The previous hash is compared with the hash before it: equal to a hash, its 64 characters are canonical too.
    const prevHash = text.substring(chain.prevHashAt, chain.prevHashAt + 64);
    if (this.prevHash === undefined) this.firstPrevHash = prevHash;
    else if (prevHash !== this.prevHash) {
      return this.fail(expected, 'link_broken', `entry ${expected} does not link to entry ${expected - 1}: its previous hash differs from the hash of entry ${expected - 1}`);
    }
    const kind = this.scan.kind;
    const { inspect, inspects } = this.options;
    const shown = inspect !== undefined && (inspects === undefined || expected <= 2 || this.scan.approvalsStart >= 0 || inspects(kind));
    const problem = shown ? inspect(body, expected, kind) : undefined;
    if (problem) return this.fail(expected, 'approval_invalid', `entry ${expected}: ${problem}`);
    this.kindCounts.set(kind, (this.kindCounts.get(kind) ?? 0) + 1);
    if (!this.expectedHeadSeen && computed === this.options.expectHead) this.expectedHeadSeen = true;
    this.prevHash = computed;
    this.expectedSeq = expected + 1;
    this.count += 1;
    return true;
  }

  /** The verdict on everything taken, with any late finding that names an earlier entry. */
  finish(): LedgerVerification {
    const walked = this.finding ?? this.verdictAtTheEnd();
    const late = this.options.lateFindings?.();
    if (!late || (walked.firstBadSeq !== undefined && walked.firstBadSeq <= late.seq)) return walked;
    return { ok: false, entries: late.seq - 1, headSeq: late.seq - 1, headHash: late.headHash, firstBadSeq: late.seq, reason: 'approval_invalid', message: `entry ${late.seq}: ${late.message}` };
  }

  private verdictAtTheEnd(): LedgerVerification {
    const expected = this.expectedSeq;
    if (this.outOfPlace !== undefined) {
      const outOfPlace = this.outOfPlace;
      if (outOfPlace < expected || this.options.seqAppearsLater(expected)) {
        this.fail(expected, 'reordered', `entry ${expected} is out of order: entry ${outOfPlace} is stored where entry ${expected} belongs`);
      } else {
        this.fail(expected, 'gap', `entry ${expected} is missing: entry ${outOfPlace} follows entry ${expected - 1}`);
      }
      return this.finding!;
    }
    if (this.count === 0) {
      this.fail(1, 'gap', 'the ledger is empty: every Keyward ledger begins with its creation entry, so its entries were removed');
      return this.finding!;
    }
    if (!this.expectedHeadSeen) {
      this.fail(expected, 'head_mismatch', `the expected head ${this.options.expectHead} is not in the ledger, which ends at entry ${expected - 1}: entries after it were removed or the ledger was replaced`);
      return this.finding!;
    }
    return { ok: true, entries: this.count, headSeq: expected - 1, headHash: this.prevHash ?? '' };
  }
}
