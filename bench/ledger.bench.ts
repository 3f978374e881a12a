// npm run bench:ledger — `keyward ledger verify` against the one-shot SHA-256 chained over the same
// canonical bytes, at 100k and 1M entries, with its peak memory from the operating system; the same
// ledger with custodians' approvals against it without; durable appends against bare inserts.
// Not a test: the machine is shared and noisy, so only ratios within one run are printed.
import { hash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { initDatabase } from '../app/keyward';
import { verifyStoredLedger } from '../app/ledger/ledger';
import { openDatabase } from '../db/connection';
import { appendEntry, sha256Hex } from '../db/ledger';
import { entryBody, GENESIS_HASH } from '../core/ledger/ledger';
import { interleaved, median, report, throughputRatios } from './measure';

const SIZES = (process.env.BENCH_VERIFY_ENTRIES ?? '100000,1000000').split(',').map(Number);
const DURABLE_APPENDS = Number(process.env.BENCH_DURABLE_APPENDS ?? 1_000);

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
  const texts = db.prepare('SELECT body FROM ledger_entries ORDER BY seq').pluck().all() as string[];
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const times = interleaved({
    verify: () => {
      const result = verifyStoredLedger(db);
      if (!result.ok || result.entries !== entries) throw new Error(`verification failed: ${result.message}`);
    },
    oneShot: () => {
      for (const text of texts) hash('sha256', text, 'hex');
    },
  });
  db.close();
  const rss = verifyPeakRss(path);
  const file = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  report({
    name: `ledger verify, ${entries.toLocaleString('en')} entries`,
    work: `verifyStoredLedger (keyward ledger verify: file check, chain, approvals, inventory replay) of ${entries} entries, ${(bytes / 1e6).toFixed(0)} MB canonical; median ${median(times.verify).toFixed(0)} ms`,
    baseline: `node:crypto one-shot hash('sha256', text, 'hex') of each entry's canonical text, held in memory; median ${median(times.oneShot).toFixed(0)} ms`,
    ratios: throughputRatios(times.verify, times.oneShot),
    goal: { atLeast: 0.5 },
    notes: [`peak RSS of a process verifying it: ${(rss / 1e6).toFixed(0)} MB; file ${(file / entries).toFixed(0)} B per entry for ${(bytes / entries).toFixed(0)} B canonical (${(file / bytes).toFixed(2)}x)`],
  });
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
  benchDurableAppends();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
