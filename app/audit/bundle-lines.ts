// The lines of an audit bundle's ledger.jsonl as the verification reads them: on its own thread
// (app/audit/audit-verify.ts) and in runs on the ledger's walking threads (ledger-walk-worker.ts).
import { unknownKindAmong } from '../../core/ledger/ledger';
import { ChainWalk, type StoredEntryRow, type VerifiedRun } from '../../core/ledger/ledger-verification';
import { sha256Hex } from '../../db/ledger';

/** The kinds of entry that describe the site, its custodians and its checkpoints (bundle-contents.ts reads them). */
export const DESCRIBING_KINDS: ReadonlySet<string> = new Set(['ledger.created', 'site.named', 'ledger.checkpoint', 'custodians.founded', 'custodian.key_enrolled', 'custodian.key_replaced']);

/** A run of a bundle's lines walked soundly, with the rows of its describing entries (few), body and hash. */
export interface BundleRun extends VerifiedRun {
  readonly described: readonly (readonly [string, string])[];
}

/**
 * The stored row a line holds: the line is the entry's canonical body with `"hash"` in its
 * sorted place, just before `"kind"`, so cutting it out gives the body the chain walk proves
 * canonical and hashes; the line is then canonical too. No line is parsed and re-encoded.
 */
export function rowOfLine(line: string): (StoredEntryRow & { kind: string }) | undefined {
  const at = line.indexOf(',"hash":"');
  const end = at + 74;
  if (at < 0 || line.charCodeAt(end - 1) !== 0x22 || !line.startsWith(',"kind":"', end)) return undefined;
  const hash = line.slice(at + 9, end - 1);
  const kind = line.slice(end + 9, line.indexOf('"', end + 9));
  return /^[0-9a-f]{64}$/.test(hash) ? { body: line.slice(0, at) + line.slice(end), hash, kind } : undefined;
}

/**
 * Each line of `bytes` (UTF-8, checked whole, each line ending in a line break) as its own string.
 * A line break is that byte alone in UTF-8, so every line decodes exactly on its own; decoded one
 * by one, lines cost a tenth of what decoding tens of megabytes as one string does.
 */
export function* linesOf(bytes: Buffer): Generator<string> {
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    yield bytes.toString('utf8', start, stop);
    start = stop + 1;
  }
}

/**
 * The lines of `bytes` (each ending in a line break), entries `firstSeq` on, walked on their own
 * on a walking thread: each a row, canonical, its seq its line, its hash matching and linked to
 * the one before, as the walk on one thread does. The entries the joining walk must show its
 * inspector (those of `shownKinds`, those with approvals, entries 1 and 2) come with it, and the
 * rows of those that describe the site (so that the joining thread need not read the lines). Anything
 * else than a sound run of entries of known kinds returns what it met instead: the verification
 * then walks the whole bundle on one thread, which names what is wrong exactly.
 */
export function walkBundleRun(bytes: Buffer, firstSeq: number, shownKinds: ReadonlySet<string>): BundleRun | string {
  const shown: [number, string, string][] = [];
  const described: [string, string][] = [];
  const walk = ChainWalk.startingAt(firstSeq, {
    sha256Hex,
    seqAppearsLater: () => false,
    inspects: (kind) => shownKinds.has(kind),
    inspect: (body, seq, kind) => void shown.push([seq, kind, body]),
  });
  for (const line of linesOf(bytes)) {
    const row = rowOfLine(line);
    if (!row) return `line ${walk.entries + 1} is not a ledger entry`;
    if (!walk.take(row.body, row.hash)) return `entry ${walk.entries + 1} does not pass on its own`;
    if (DESCRIBING_KINDS.has(row.kind)) described.push([row.body, row.hash]);
  }
  const unknown = unknownKindAmong(walk.kinds.keys());
  if (unknown !== undefined) return `an entry is of a kind this version does not know (${unknown})`;
  if (walk.firstPrevHash === undefined) return 'the run holds no line';
  return { lastSeq: walk.entries, firstPrevHash: walk.firstPrevHash, lastHash: walk.head, kinds: [...walk.kinds], sawExpectedHead: true, shown, described };
}
