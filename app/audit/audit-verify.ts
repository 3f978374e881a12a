import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { KeywardError } from '../../core/errors';
import type { Site } from '../../core/ledger/checkpoint';
import { canonicalJson } from '../../core/ledger/canonical-json';
import { parseCanonicalLine } from '../../core/ledger/canonical-line';
import type { LedgerEntry } from '../../core/ledger/ledger';
import type { StoredEntryRow } from '../../core/ledger/ledger-verification';
import { sha256Hex, toLedgerEntry } from '../../db/ledger';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { cannotReadInput, readInputFile } from '../input-file';
import { parseExportLine } from '../ledger/ledger';
import { bundleRunsOnWalkers } from '../ledger/ledger-walkers';
import { BUNDLE_FORMAT, BUNDLE_VERSION, LISTED_MEMBERS, MEMBERS, asJson, checkpointsOf, custodianKeysOf, siteOfEntries, type Manifest } from './bundle-contents';
import { startBundleWalk, type LinesRead } from './bundle-walk';
import { TarDamage, readTar, type TarMember } from './ustar';

export interface BundleVerification {
  readonly ok: boolean;
  /** The member at fault, when one is. */
  readonly member?: string;
  readonly message?: string;
  readonly site?: Site;
  readonly createdAt?: string;
  /** The ledger's head in the bundle, before its closing checkpoint. */
  readonly head?: { readonly seq: number; readonly hash: string };
  readonly checkpoints?: number;
  readonly closing?: { readonly number: number; readonly seq: number; readonly hash: string; readonly custodian: string; readonly witness: string };
  /** When runs of a large ledger.jsonl were walked on other threads: how many threads walked them. */
  readonly threads?: number;
}

/**
 * Whether to keep the entries (what an auditor database holds), and where the chain is walked:
 * `threads` walking runs of a ledger.jsonl of `threadsFrom` lines or more (one per core and 50,000
 * by default; 1 walks it on this thread alone), `runLength` lines each.
 */
export interface BundleReading {
  readonly keepEntries: boolean;
  readonly threads?: number;
  readonly threadsFrom?: number;
  readonly runLength?: number;
}

class BundleFinding extends Error {
  constructor(
    readonly member: string,
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readJson(member: TarMember): unknown {
  let text: string;
  try {
    text = UTF8.decode(member.data);
  } catch {
    throw new BundleFinding(member.name, `${member.name} is not UTF-8 text`);
  }
  const parsed = parseCanonicalLine(text);
  if (!parsed.ok) throw new BundleFinding(member.name, `${member.name} is not canonical JSON: ${parsed.problem}`);
  return parsed.value;
}

function readMembers(bytes: Buffer): TarMember[] {
  let members: TarMember[];
  try {
    members = readTar(bytes);
  } catch (error) {
    if (!(error instanceof TarDamage)) throw error;
    const name = MEMBERS[error.member] ?? 'the end of the archive';
    throw new BundleFinding(name, `${name}: ${error.message}`);
  }
  MEMBERS.forEach((name, index) => {
    if (members[index]?.name !== name) throw new BundleFinding(name, `member ${index + 1} should be ${name} but is ${members[index] ? `"${members[index].name}"` : 'missing'}`);
  });
  if (members.length > MEMBERS.length) throw new BundleFinding('the end of the archive', `"${members[MEMBERS.length]!.name}" follows the last member; it is not part of an audit bundle`);
  return members;
}

/** The closing checkpoint, whole: a canonical entry whose hash matches its content. */
function readClosing(member: TarMember): { entry: LedgerEntry; row: StoredEntryRow } {
  const row = parseExportLine(Buffer.from(member.data), new Set());
  if (typeof row === 'string') throw new BundleFinding(member.name, `closing-checkpoint.json is not a ledger entry: ${row}`);
  if (sha256Hex(row.body) !== row.hash) throw new BundleFinding(member.name, 'closing-checkpoint.json was changed: its content no longer matches its hash');
  const entry = toLedgerEntry(row);
  if (entry.kind !== 'ledger.checkpoint' || typeof entry.payload.manifest !== 'string') throw new BundleFinding(member.name, 'closing-checkpoint.json is not a checkpoint over a manifest');
  return { entry, row };
}

function checkManifest(value: unknown): Manifest {
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || m.format !== BUNDLE_FORMAT) throw new BundleFinding('manifest.json', 'manifest.json is not a Keyward audit bundle manifest');
  if (m.version !== BUNDLE_VERSION) throw new KeywardError('invalid_input', `this bundle is format version ${String(m.version)}; this Keyward reads version ${BUNDLE_VERSION} only`, 'file');
  if (!Array.isArray(m.members) || typeof m.head?.hash !== 'string' || typeof m.site?.id !== 'string') throw new BundleFinding('manifest.json', 'manifest.json lacks its members, head or site');
  return m as Manifest;
}

const same = (a: unknown, b: unknown) => canonicalJson(asJson(a)) === canonicalJson(asJson(b));

/**
 * Checks an audit bundle with nothing but the file: the archive byte for byte, the closing
 * checkpoint over the manifest and its custodians' signatures, every member's SHA-256, the whole
 * chain with every approval and checkpoint, and that the custodians' keys, the checkpoints and the
 * site are those the ledger itself defines. The first fault is named with its member.
 */
export function verifyAuditBundle(path: string, reading: Omit<BundleReading, 'keepEntries'> = {}): BundleVerification {
  const { entryHashes: _hashes, entries: _entries, siteFacts: _facts, ...verification } = verifyAuditBundleBytes(readShared(path), { ...reading, keepEntries: false });
  return verification;
}

/**
 * A bundle that is a file, read into memory the walking threads can share: its ledger.jsonl is
 * then never copied for them (copying tens of megabytes into fresh memory costs about what
 * walking a tenth of them does). Anything else (a pipe) is read as any input file is.
 */
function readShared(path: string): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) return readInputFile(path);
    const bytes = Buffer.from(new SharedArrayBuffer(stat.size));
    let read = 0;
    for (let n = -1; read < bytes.length && n !== 0; read += n) n = readSync(fd, bytes, read, bytes.length - read, read);
    return bytes.subarray(0, read);
  } catch (error) {
    throw cannotReadInput(path, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What an auditor database takes from a bundle that verifies: every entry in order, and the site's facts (site.json) the closing checkpoint signed. */
export interface VerifiedContents {
  readonly entryHashes: readonly string[];
  readonly entries: readonly { readonly hash: string; readonly kind: string; readonly body: string }[];
  readonly siteFacts: Readonly<Record<string, unknown>>;
}

/** The same over the bundle's bytes, with its contents when it verifies (what an auditor database holds). */
export function verifyAuditBundleBytes(bytes: Buffer, reading: BundleReading = { keepEntries: true }): BundleVerification & Partial<VerifiedContents> {
  try {
    return verifyMembers(readMembers(bytes), reading);
  } catch (error) {
    if (error instanceof BundleFinding) return { ok: false, member: error.member, message: error.message };
    throw error;
  }
}

function verifyMembers(members: TarMember[], reading: BundleReading): BundleVerification & Partial<VerifiedContents> {
  const byName = new Map(members.map((m) => [m.name, m]));
  const closing = readClosing(byName.get('closing-checkpoint.json')!);
  const manifestMember = byName.get('manifest.json')!;
  if (sha256(manifestMember.data) !== closing.entry.payload.manifest) throw new BundleFinding('manifest.json', 'manifest.json was changed after the closing checkpoint signed it');
  const manifest = checkManifest(readJson(manifestMember));
  const ledger = byName.get('ledger.jsonl')!.data;
  const bytes = Buffer.from(ledger.buffer, ledger.byteOffset, ledger.byteLength);
  // The walking threads start on ledger.jsonl while this thread hashes the members: nothing they
  // find is read unless every member matches the manifest and ledger.jsonl is UTF-8 text.
  const runs = bundleRunsOnWalkers({ threads: reading.threads, from: reading.threadsFrom, runLength: reading.runLength });
  const walk = startBundleWalk(bytes, closing.row, reading.keepEntries, runs);
  let read: LinesRead;
  try {
    for (const name of LISTED_MEMBERS) {
      const listed = manifest.members.find((m) => m.name === name);
      const data = byName.get(name)!.data;
      if (!listed) throw new BundleFinding('manifest.json', `manifest.json does not list ${name}`);
      if (listed.size !== data.length || listed.sha256 !== sha256(data)) throw new BundleFinding(name, `${name} was changed: its SHA-256 differs from the one in the manifest`);
    }
    // Checked whole, then decoded without checking again: about half the time a checking decoder takes.
    if (!isUtf8(ledger)) throw new BundleFinding('ledger.jsonl', 'ledger.jsonl is not UTF-8 text');
    // In UTF-8 a line break is that byte alone: the file is decoded only where it is read.
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) throw new BundleFinding('ledger.jsonl', 'ledger.jsonl does not end with a line break');
    read = walk.finish();
  } finally {
    walk.cancel();
  }
  if ('notAnEntry' in read) throw new BundleFinding('ledger.jsonl', `ledger.jsonl line ${read.notAnEntry} is not a ledger entry written as Keyward writes it`);
  const { entries, described, count, last, chain, threads } = read;
  if (!chain.ok) throw new BundleFinding(chain.firstBadSeq === count + 1 ? 'closing-checkpoint.json' : 'ledger.jsonl', `entry ${chain.firstBadSeq}: ${chain.message}`);
  if (!last || manifest.head.seq !== count || manifest.head.hash !== last) throw new BundleFinding('manifest.json', 'manifest.json names another head than the last entry of ledger.jsonl');
  const site = siteOfEntries(described);
  if (!same(manifest.site, site)) throw new BundleFinding('manifest.json', 'manifest.json names another site than the ledger does');
  if (!same(readJson(byName.get('custodians.json')!), custodianKeysOf(described))) throw new BundleFinding('custodians.json', 'custodians.json does not hold the keys the ledger registered');
  const checkpoints = checkpointsOf(described);
  if (!same(readJson(byName.get('checkpoints.json')!), checkpoints)) throw new BundleFinding('checkpoints.json', 'checkpoints.json does not hold the checkpoints in the ledger');
  const siteFacts = (readJson(byName.get('site.json')!) ?? {}) as Record<string, unknown>;
  if (!same(siteFacts.site, site)) throw new BundleFinding('site.json', 'site.json names another site than the ledger does');
  const payload = closing.entry.payload as Record<string, unknown>;
  const actor = (role: string) => closing.entry.actors.find((a) => a.role === role)?.name ?? '';
  return {
    ok: true,
    entryHashes: entries?.map((row) => row.hash),
    entries,
    siteFacts,
    site,
    createdAt: manifest.createdAt,
    head: manifest.head,
    checkpoints: checkpoints.length,
    closing: { number: Number(payload.number), seq: closing.entry.seq, hash: closing.entry.hash, custodian: actor('custodian'), witness: actor('witness') },
    ...(threads ? { threads } : {}),
  };
}
