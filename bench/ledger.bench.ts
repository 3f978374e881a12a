// npm run bench:ledger — `keyward ledger verify` against the one-shot SHA-256 over the same canonical
// bytes, at 100k and 1M entries, with its peak memory from the operating system and the file's size
// per entry, and the tamper suite at each size (a verdict naming the wrong entry fails the run); a
// ledger with custodians' approvals against the same without, at 100k entries (BENCH_APPROVED_ENTRIES=
// 100000,1000000 adds 1M: its 200,000 signatures take minutes to write), with a forged approval
// named; durable appends against bare inserts.
// Not a test: the machine is shared and noisy, so only ratios within one run are printed.
import { hash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { initDatabase } from '../app/keyward';
import { verifyChainAndApprovals, verifyStoredLedger } from '../app/ledger/ledger';
import { checkSignaturesNow, type SignatureChecks } from '../app/ledger/signature-checks';
import { approvedLedger } from './approved-ledger';
import { signaturesOf, verifyEach } from './approval-signatures';
import { openDatabase } from '../db/connection';
import { appendEntry, readHead, sha256Hex } from '../db/ledger';
import { entryBody, GENESIS_HASH } from '../core/ledger/ledger';
import { interleaved, median, report, throughputRatios } from './measure';
import { forgedApprovalCheck, tamperChecks } from './ledger-tamper';

/** Sizes to verify, comma-separated; `0` leaves the part out (as BENCH_APPROVED_ENTRIES=0 does for approvals). */
const SIZES = (process.env.BENCH_VERIFY_ENTRIES ?? '100000,1000000').split(',').map(Number).filter((n) => n > 0);
const DURABLE_APPENDS = Number(process.env.BENCH_DURABLE_APPENDS ?? 1_000);
const APPROVED_SIZES = (process.env.BENCH_APPROVED_ENTRIES ?? '100000').split(',').map(Number).filter((n) => n > 0);
/** BENCH_TAMPER=0 leaves the tamper suite out (it verifies each size five more times). */
const TAMPER = process.env.BENCH_TAMPER !== '0';

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
const actor = { role: 'operator' as const, name: 'bench' };
const start = Date.UTC(2026, 0, 1);
const at = (i: number) => ({ recordedAt: new Date(start + i * 60_000).toISOString(), utcOffset: '+01:00' });
/** A quarterly presence check of one of 200 keys, as the room's ledger is mostly made of. */
const check = (i: number) => ({
  authenticatorId: i % 200,
  label: `YK-${String(i % 200).padStart(3, '0')}`,
  result: 'ok',
  findings: [],
  before: { signCount: i, pinRetries: 8 },
  after: { signCount: i + 1, pinRetries: 8 },
  drill: false,
});
const clock = { now: () => new Date(start), utcOffsetMinutes: () => 60 };

/** A ledger of `entries` entries: its creation, then presence checks, written as Keyward writes them. */
function plainLedger(path: string, entries: number): void {
  const { db } = initDatabase(path, clock, actor);
  const block = 10_000;
  for (let from = 1; from < entries; from += block) {
    db.transaction(() => {
      for (let i = from; i < Math.min(entries, from + block); i += 1) appendEntry(db, { kind: 'presence.checked', actors: [actor], payload: check(i) }, at(i));
    })();
  }
  db.close();
}

/** Peak RSS of a fresh process that opens the ledger and verifies it once, as `keyward ledger verify` does. */
function verifyPeakRss(path: string): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ledger-verify-child.ts'), path], { encoding: 'utf8' });
  return Number(/maxRSS (\d+)/.exec(out)![1]) * 1024;
}

function benchVerify(entries: number): void {
  const path = join(dir, `verify-${entries}.db`);
  plainLedger(path, entries);
  const db = openDatabase(path, { readonly: true });
  const head = readHead(db).hash;
  const texts = db.prepare('SELECT body FROM ledger_entries ORDER BY seq').pluck().all() as string[];
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const times = interleaved({
    verify: () => {
      const result = verifyStoredLedger(db);
      if (!result.ok || result.entries !== entries) throw new Error(`verification failed: ${result.message}`);
    },
    chain: () => {
      const result = verifyChainAndApprovals(db);
      if (!result.ok || result.entries !== entries) throw new Error(`verification failed: ${result.message}`);
    },
    oneShot: () => {
      for (const text of texts) hash('sha256', text, 'hex');
    },
    oneThread: () => {
      const result = verifyChainAndApprovals(db, { runs: null });
      if (!result.ok || result.entries !== entries) throw new Error(`verification failed: ${result.message}`);
    },
  });
  db.close();
  texts.length = 0;
  const rss = verifyPeakRss(path);
  const tampered = TAMPER ? tamperChecks(path, entries, head) : [];
  const file = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  report({
    name: `ledger verify, ${entries.toLocaleString('en')} entries`,
    work: `verifyStoredLedger (keyward ledger verify: SQLite's check of the other tables, chain with approvals, inventory replay, index on kind) of ${entries} entries, ${(bytes / 1e6).toFixed(0)} MB canonical; median ${median(times.verify).toFixed(0)} ms`,
    baseline: `node:crypto one-shot hash('sha256', text, 'hex') of each entry's canonical text, held in memory; median ${median(times.oneShot).toFixed(0)} ms`,
    ratios: throughputRatios(times.verify, times.oneShot),
    goal: { atLeast: 0.5 },
    notes: [
      `peak RSS of a process verifying it: ${(rss / 1e6).toFixed(0)} MB; file ${(file / entries).toFixed(0)} B per entry for ${(bytes / entries).toFixed(0)} B canonical (${(file / bytes).toFixed(2)}x)`,
      ...(TAMPER ? [`tamper suite at ${entries} entries named the right entry ${tampered.length} times of ${tampered.length}: ${tampered.join('; ')}`] : []),
    ],
  });
  report({
    name: `ledger chain walk, ${entries.toLocaleString('en')} entries`,
    work: `the chain with approvals and checkpoints alone (verifyChainAndApprovals: batched reads, canonical proof, hash, link), without SQLite's file check and the inventory replay; median ${median(times.chain).toFixed(0)} ms`,
    baseline: `the same one-shot hashes; median ${median(times.oneShot).toFixed(0)} ms`,
    ratios: throughputRatios(times.chain, times.oneShot),
    goal: { atLeast: 0.5 },
    notes: [walkSplit(times, entries)],
  });  rmSync(path);
}

/**
 * What splitting the walk gains here, and what the goal asks of the cores: the walk on one thread
 * against the same walk split across the threads, round by round, and how many cores splitting as
 * well as these do would bring the walk to half the throughput of the one-shot hashes.
 */
function walkSplit(times: { oneThread: number[]; chain: number[]; oneShot: number[] }, entries: number): string {
  const threads = Math.min(8, availableParallelism());
  const oneMs = median(times.oneThread);
  const speedUp = median(times.oneThread.map((one, i) => one / times.chain[i]!));
  const perCore = speedUp / threads;
  const needed = Math.ceil(median(times.oneThread.map((one, i) => one / (2 * times.oneShot[i]! * perCore))));
  return `split: the walk on one thread takes ${oneMs.toFixed(0)} ms (${((1000 * oneMs) / entries).toFixed(2)} us an entry against ${((1000 * median(times.oneShot)) / entries).toFixed(2)} us of hashing); split across ${threads} threads it runs ${speedUp.toFixed(2)}x as fast, and the goal needs ${needed} cores splitting as well as these (${needed <= threads ? 'this machine has them' : `this machine has ${threads}`})`;
}

/**
 * The best ratio this machine could reach: the signatures alone, checked on one thread, shared
 * out perfectly across its cores with nothing else to do, against the walk without approvals,
 * round by round; and how many cores the goal would need for the signatures alone.
 */
function ecdsaFloor(times: { signatures: number[]; twin: number[] }, signatures: number): string {
  const cores = availableParallelism();
  const signaturesMs = median(times.signatures);
  const best = median(times.twin.map((twin, i) => (twin * cores) / times.signatures[i]!));
  const needed = Math.ceil(median(times.signatures.map((ms, i) => (0.5 * ms) / times.twin[i]!)));
  const verdict = best >= 0.5 ? 'ECDSA does not rule it out' : 'out of reach';
  return `floor set by ECDSA: the ${signatures} signatures alone (crypto.verify with parsed keys, one thread) take ${signaturesMs.toFixed(0)} ms (${((1000 * signaturesMs) / signatures).toFixed(0)} us each), ${(signaturesMs / cores).toFixed(0)} ms shared perfectly over ${cores} cores: at best ${best.toFixed(2)}x, so the goal needs ${needed} cores or more for the signatures alone (${verdict} on this machine)`;
}

function benchApprovals(entries: number): void {
  const withPath = join(dir, `approved-${entries}.db`);
  const withoutPath = join(dir, `unapproved-${entries}.db`);
  const { signatures } = approvedLedger(withPath, entries, true);
  approvedLedger(withoutPath, entries, false);
  const approved = openDatabase(withPath, { readonly: true });
  const twin = openDatabase(withoutPath, { readonly: true });
  const walk = (db: typeof approved, signatures?: () => SignatureChecks) => () => {
    const result = verifyChainAndApprovals(db, { signatures: signatures?.() });
    if (!result.ok || result.entries !== entries) throw new Error(`verification failed: ${result.message}`);
  };
  const jobs = signaturesOf(approved);
  // The same ledger with every signature checked on this thread: what the worker threads gain;
  // and the signatures alone, checked with node:crypto on one thread: the floor ECDSA sets.
  const times = interleaved({ approved: walk(approved), twin: walk(twin), here: walk(approved, checkSignaturesNow), signatures: () => verifyEach(jobs) });
  jobs.length = 0;
  approved.close();
  twin.close();
  const forged = TAMPER ? forgedApprovalCheck(withPath, entries) : undefined;
  rmSync(withoutPath);
  report({
    name: `ledger verify with approvals, ${entries.toLocaleString('en')} entries`,
    work: `the chain with every approval and checkpoint (verifyChainAndApprovals, what keyward ledger verify runs before the inventory replay) of ${entries} entries, one in ten a checkout or return with two ES256 approvals (${signatures} signatures, on ${availableParallelism()} worker threads); median ${median(times.approved).toFixed(0)} ms`,
    baseline: `the same entries without approvals (custody entries as presence checks); median ${median(times.twin).toFixed(0)} ms`,
    ratios: throughputRatios(times.approved, times.twin),
    goal: { atLeast: 0.5 },
    notes: [
      `every signature on this thread instead: ${median(throughputRatios(times.here, times.twin)).toFixed(2)}x (median ${median(times.here).toFixed(0)} ms)`,
      ecdsaFloor(times, signatures),
      ...(forged ? [`tamper suite: ${forged}`] : []),
    ],
  });
  rmSync(withPath);
}

function benchDurableAppends(): void {
  const ledgerDb = openDatabase(join(dir, 'append.db'), { create: true });
  const bare = new Database(join(dir, 'bare.db'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL, hash TEXT NOT NULL) STRICT');
  // The baseline stores rows computed beforehand; the ledger computes body, link and hash itself.
  const rows: [string, string][] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < DURABLE_APPENDS; i += 1) {
    const body = entryBody({ seq: i + 1, ...at(i), actors: [actor], kind: 'presence.checked', payload: check(i), prevHash });
    prevHash = sha256Hex(body);
    rows.push([body, prevHash]);
  }
  const insert = bare.prepare('INSERT INTO rows (body, hash) VALUES (?, ?)');
  const bareInsert = bare.transaction((i: number) => insert.run(...rows[i]!));
  const blocks = DURABLE_APPENDS / 5;
  let next = 0;
  let nextBare = 0;
  const times = interleaved({
    ledger: () => {
      for (const end = next + blocks; next < end; next += 1) appendEntry(ledgerDb, { kind: 'presence.checked', actors: [actor], payload: check(next) }, at(next));
    },
    bare: () => {
      for (const end = nextBare + blocks; nextBare < end; nextBare += 1) bareInsert.immediate(nextBare);
    },
  });
  ledgerDb.close();
  bare.close();
  report({
    name: 'durable appends',
    work: `appendEntry, one transaction each, synchronous=FULL: ${DURABLE_APPENDS} entries in 5 blocks`,
    baseline: 'bare better-sqlite3 inserts of the same rows, one transaction each, in blocks alternating with the ledger',
    ratios: throughputRatios(times.ledger, times.bare),
    goal: { atLeast: 0.7 },
  });
}

try {
  for (const entries of SIZES) benchVerify(entries);
  for (const entries of APPROVED_SIZES) benchApprovals(entries);
  benchDurableAppends();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
