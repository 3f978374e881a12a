import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/ledger/canonical-json';
import { appendEntry, sha256Hex } from '../../db/ledger';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { nameSite, recordCheckpoint } from '../ledger/checkpoints';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { exportAuditBundle } from './audit-export';
import { verifyAuditBundle, verifyAuditBundleBytes, type BundleReading } from './audit-verify';
import { rowOfLine } from './bundle-lines';
import { bundleRunsOnWalkers, IDLE_JOB_MS, STALL_MS } from '../ledger/ledger-walkers';
import { readTar, writeTar } from './ustar';

// A bundle past the size from which its chain is walked in runs on the walking threads (50,000
// lines), verified both ways: split, and on this thread alone. The verdicts must be the same,
// sound or tampered, word for word.

const ENTRIES = 52_000;
const RUN = 1000;
const SPLIT: BundleReading = { keepEntries: false, threads: 2, runLength: RUN };
const ONE: BundleReading = { keepEntries: false, threads: 1 };
const actor = { role: 'operator' as const, name: 'bench' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let s: ReturnType<typeof openTestSession>;
let out: string;
let sound: Buffer;
let lines: string[];

beforeAll(async () => {
  s = openTestSession();
  const keys: KeySource = { simulated: false, open: (target) => drillKeySource(s.db, { store: 'custodians' }).open(target) };
  await custodiansOf(s, keys, ['Alice Example', 'Bob Example']);
  nameSite(s, { name: 'HQ' });
  for (let done = 0; done < ENTRIES; done += 20_000) {
    s.db.transaction(() => {
      for (let i = done; i < Math.min(ENTRIES, done + 20_000); i += 1) appendEntry(s.db, { kind: 'netpath.proved', actors: [actor], payload: { verdict: 'met', summary: `wired and cellular, proof ${i}`, targets: ['login.microsoftonline.com:443'] } }, { recordedAt: s.clock.now().toISOString(), utcOffset: '+01:00' });
    })();
    await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
  }
  out = join(s.dir, 'HQ.kwaudit');
  await exportAuditBundle(s, keys, { out, custodian: 'Alice Example', witness: 'Bob Example' });
  sound = readFileSync(out);
  lines = readTar(sound)[1]!.data.toString().split('\n').slice(0, -1);
}, 120_000);
afterAll(() => s.close());

/**
 * The bundle with its ledger.jsonl's lines edited, its manifest listing the new member and the
 * closing checkpoint re-hashed over the new manifest (its signatures then no longer verify: that
 * is found only once every line before it was walked soundly).
 */
function resealed(edit: (lines: string[]) => string[], createdAt?: string): Buffer {
  const members = readTar(sound).map((m) => ({ name: m.name, data: Buffer.from(m.data) }));
  const ledger = Buffer.from(`${edit([...lines]).join('\n')}\n`);
  const manifest = JSON.parse(members[0]!.data.toString()) as { createdAt: string; members: { name: string; size: number; sha256: string }[] };
  if (createdAt) manifest.createdAt = createdAt;
  const listed = manifest.members.find((m) => m.name === 'ledger.jsonl')!;
  Object.assign(listed, { size: ledger.length, sha256: sha256(ledger) });
  const manifestBytes = Buffer.from(canonicalJson(manifest as never));
  const { hash: _hash, ...closing } = JSON.parse(members[5]!.data.toString()) as { hash: string; payload: Record<string, unknown> };
  closing.payload.manifest = sha256(manifestBytes);
  const closingBytes = Buffer.from(canonicalJson({ ...closing, hash: sha256Hex(canonicalJson(closing as never)) } as never));
  return writeTar([{ name: 'manifest.json', data: manifestBytes }, { name: 'ledger.jsonl', data: ledger }, ...members.slice(2, 5), { name: 'closing-checkpoint.json', data: closingBytes }], 1_764_000_000);
}

/** A line with its hash made to match its (edited) body again, as a forger would. */
function rehashed(line: string): string {
  const row = rowOfLine(line)!;
  const at = line.indexOf(',"hash":"') + 9;
  return line.slice(0, at) + sha256Hex(row.body) + line.slice(at + 64);
}

/** Lines from `from` (an index) on re-linked and re-hashed, so that the chain is sound again from there. */
function relinked(all: string[], from: number): string[] {
  for (let i = from; i < all.length; i += 1) {
    if (i > 0) all[i] = all[i]!.replace(/"prevHash":"[0-9a-f]{64}"/, `"prevHash":"${rowOfLine(all[i - 1]!)!.hash}"`);
    all[i] = rehashed(all[i]!);
  }
  return all;
}

/** In shared memory, as verifyAuditBundle reads a file: the threads read ledger.jsonl where it lies in the bundle. */
function shared(bytes: Buffer): Buffer {
  const copy = Buffer.from(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

function bothWays(bytes: Buffer) {
  const split = verifyAuditBundleBytes(shared(bytes), SPLIT);
  const one = verifyAuditBundleBytes(bytes, ONE);
  expect(one.threads).toBeUndefined();
  return { split, one };
}

describe('a large audit bundle walked in runs on the walking threads', () => {
  it('verifies a sound bundle on the threads, with the same verdict and entries as on one thread', () => {
    const { split, one } = bothWays(sound);
    expect(one).toMatchObject({ ok: true, head: { seq: lines.length } });
    expect(split.threads).toBe(2);
    expect({ ...split, threads: undefined }).toEqual(one);
    const kept = verifyAuditBundleBytes(sound, { ...SPLIT, keepEntries: true });
    expect(kept.threads).toBe(2);
    expect({ ...kept, threads: undefined }).toEqual(verifyAuditBundleBytes(sound, { ...ONE, keepEntries: true }));
    expect(kept.entries).toHaveLength(lines.length);
  });

  it.skipIf(availableParallelism() < 2)('splits from 50,000 lines by default, on one thread per core', () => {
    expect(verifyAuditBundle(out)).toMatchObject({ ok: true, threads: expect.any(Number) });
    expect(verifyAuditBundle(out, { threadsFrom: lines.length + 1 }).threads).toBeUndefined();
  });

  const tampered: [string, () => Buffer, Record<string, unknown>][] = [
    ['a line edited inside a run', () => resealed((l) => ((l[30_499] = l[30_499]!.replace('wired', 'wirex')), l)), { member: 'ledger.jsonl', message: expect.stringMatching(/^entry 30500: entry 30500 was changed/) }],
    ['a line edited and re-hashed at the end of a run', () => resealed((l) => ((l[RUN * 30 - 1] = rehashed(l[RUN * 30 - 1]!.replace('wired', 'wirex'))), l)), { member: 'ledger.jsonl', message: expect.stringMatching(/^entry 30001: entry 30001 does not link to entry 30000/) }],
    ['a line deleted at the start of a run', () => resealed((l) => (l.splice(RUN * 20, 1), l)), { member: 'ledger.jsonl', message: expect.stringMatching(/^entry 20001: entry 20001 is missing/) }],
    ['two lines swapped across runs', () => resealed((l) => ([l[RUN * 10 - 1], l[RUN * 10]] = [l[RUN * 10]!, l[RUN * 10 - 1]!], l)), { member: 'ledger.jsonl', message: expect.stringMatching(/^entry 10000: entry 10000 is out of order/) }],
    ['a line that is not an entry, after a broken chain', () => resealed((l) => ((l[99] = l[99]!.replace('wired', 'wirex')), (l[40_000] = '{"seq":40001}'), l)), { member: 'ledger.jsonl', message: 'ledger.jsonl line 40001 is not a ledger entry written as Keyward writes it' }],
    ['an entry rewritten with the chain re-hashed behind it', () => resealed((l) => relinked(((l[25_000] = l[25_000]!.replace('wired', 'wirex')), l), 25_000)), { member: 'ledger.jsonl', message: expect.stringContaining('the ledger was rewritten after checkpoint') }],
    ['a checkpoint\'s signature forged, the chain re-hashed behind it', () => resealed((l) => {
      const at = l.findIndex((line, i) => i > RUN * 5 && line.includes('"kind":"ledger.checkpoint"'));
      l[at] = l[at]!.replace(/"signature":"(.)/, (_, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`);
      return relinked(l, at);
    }), { member: 'ledger.jsonl', message: expect.stringMatching(/^entry \d+: entry \d+: checkpoint \d+: /) }],
    ['the closing checkpoint re-hashed over another manifest', () => resealed((l) => l, '2027-01-01T00:00:00.000Z'), { member: 'closing-checkpoint.json', message: expect.stringMatching(/^entry \d+: /) }],
    ['the last line removed before the closing checkpoint', () => resealed((l) => l.slice(0, -1)), { member: 'closing-checkpoint.json', message: expect.stringMatching(/is missing/) }],
  ];
  it('names a member changed after the threads were sent the runs, and lets them go for the next verification', () => {
    const members = readTar(sound).map((m) => ({ name: m.name, data: Buffer.from(m.data) }));
    const custodians = members.find((m) => m.name === 'custodians.json')!.data;
    custodians[custodians.length - 2]! ^= 1;
    const { split, one } = bothWays(writeTar(members, 1_764_000_000));
    expect(one).toMatchObject({ ok: false, member: 'custodians.json', message: 'custodians.json was changed: its SHA-256 differs from the one in the manifest' });
    expect(split).toEqual(one);
    // The threads walk ledger.jsonl while the members are hashed: left waiting for a verification
    // that no longer joins them, they would hold up this one until it gave them up.
    expect(verifyAuditBundleBytes(shared(sound), SPLIT)).toMatchObject({ ok: true, threads: 2 });
  });

  /** Runs of the sound bundle sent to the threads by hand, with their idle time. */
  function sendRuns(idleMs: number) {
    const bytes = shared(sound);
    const ledger = readTar(bytes)[1]!.data;
    const starts = [ledger.byteOffset];
    for (let at = ledger.indexOf(0x0a), line = 1; at !== -1; at = ledger.indexOf(0x0a, at + 1), line += 1) if (line % RUN === 0) starts.push(ledger.byteOffset + at + 1);
    const runs = bundleRunsOnWalkers({ threads: 2, runLength: RUN, idleMs })!;
    return { bytes, runs: runs.walk({ lines: bytes.buffer as SharedArrayBuffer, starts, runLength: RUN, shownKinds: [] }), count: starts.length };
  }

  it('lets the threads drop a job nobody joins or cancels, so that the next verification has them', () => {
    // Sent and then forgotten: the threads take runs until they are too far ahead, then wait.
    const { bytes } = sendRuns(1_000);
    expect(verifyAuditBundleBytes(bytes, SPLIT)).toMatchObject({ ok: true, threads: 2 });
    // A forgotten job frees the threads before a verification waiting for them would give them up.
    expect(IDLE_JOB_MS).toBeLessThan(STALL_MS);
  });

  it('tells a verification that comes back to a job the threads dropped at once, not after its stall check', { timeout: 15_000 }, async () => {
    const { runs, count } = sendRuns(1_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // The runs walked before the threads gave up, then the one they did not walk: this thread walks it and the rest.
    const joined = [...runs];
    expect(joined.length).toBeLessThan(count - 1);
    expect(joined.at(-1)).toBeUndefined();
    expect(joined.slice(0, -1).every((run) => run !== undefined)).toBe(true);
  });

  it.each(tampered)('names the same finding for %s', (_, bundle, finding) => {
    const { split, one } = bothWays(bundle());
    expect(one).toMatchObject({ ok: false, ...finding });
    expect(split).toEqual(one);
  });
});
