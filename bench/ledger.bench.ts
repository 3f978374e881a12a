// npm run bench:ledger — ledger speed as ratios against baselines measured in the same run.
// Not a test: the machine is shared and noisy, so only ratios are printed, never asserted.
import { createHash, hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openDatabase } from '../db/connection';
import { appendEntry, iterateStoredRows, sha256Hex, verifyLedger } from '../db/ledger';
import { entryBody, GENESIS_HASH } from '../core/ledger/ledger';

const VERIFY_ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 100_000);
const DURABLE_APPENDS = Number(process.env.BENCH_DURABLE_APPENDS ?? 1_000);
const REPEATS = 5;

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
const actor = { role: 'operator' as const, name: 'bench' };
const at = (i: number) => ({ recordedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), utcOffset: '+01:00' });
const payload = (i: number) => ({ authenticatorId: i, label: `YK-${String(i).padStart(6, '0')}`, place: 'HQ safe A', serial: `${1_000_000 + i}`, state: 'in_safe' });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const time = (work: () => void) => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

function benchVerify(): void {
  const db = openDatabase(join(dir, 'verify.db'), { create: true });
  db.transaction(() => {
    for (let i = 0; i < VERIFY_ENTRIES; i += 1) appendEntry(db, { kind: 'authenticator.added', actors: [actor], payload: payload(i) }, at(i));
  })();
  const texts = [...iterateStoredRows(db)].map((row) => row.body);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

  const verifyMs: number[] = [];
  const streamingMs: number[] = [];
  const oneShotMs: number[] = [];
  for (let r = 0; r < REPEATS; r += 1) {
    streamingMs.push(time(() => texts.forEach((t) => createHash('sha256').update(t, 'utf8').digest('hex'))));
    oneShotMs.push(time(() => texts.forEach((t) => hash('sha256', t, 'hex'))));
    verifyMs.push(
      time(() => {
        const result = verifyLedger(db);
        if (!result.ok || result.entries !== VERIFY_ENTRIES) throw new Error(`verification failed: ${result.message}`);
      }),
    );
  }
  db.close();
  const v = median(verifyMs);
  const streaming = median(streamingMs);
  const oneShot = median(oneShotMs);
  const rate = (ms: number) => Math.round((VERIFY_ENTRIES / ms) * 1000);
  console.log(`verify ${VERIFY_ENTRIES} entries (${(bytes / 1e6).toFixed(1)} MB canonical): ${v.toFixed(0)} ms = ${rate(v)} entries/s`);
  console.log(`  baseline A, node:crypto createHash('sha256') over the same bytes: ${streaming.toFixed(0)} ms = ${rate(streaming)} entries/s`);
  console.log(`  baseline B, node:crypto one-shot hash('sha256') over the same bytes: ${oneShot.toFixed(0)} ms = ${rate(oneShot)} entries/s`);
  console.log(`  ratio verify / baseline A throughput: ${(streaming / v).toFixed(2)}x (target >= 0.5x)`);
  console.log(`  ratio verify / baseline B throughput: ${(oneShot / v).toFixed(2)}x (reading 100k rows out of SQLite alone costs more than B)`);
}

function benchDurableAppends(): void {
  const ledgerDb = openDatabase(join(dir, 'append.db'), { create: true });
  const bare = new Database(join(dir, 'bare.db'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.pragma('foreign_keys = ON');
  bare.exec(`CREATE TABLE ledger_entries (id INTEGER PRIMARY KEY, body TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL UNIQUE GENERATED ALWAYS AS (json_extract(body, '$.seq')) STORED,
    kind TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL) STRICT;
    CREATE INDEX ledger_entries_by_kind ON ledger_entries (kind);`);
  // The baseline stores rows computed beforehand; the ledger computes body, link and hash itself.
  const rows: [string, string][] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < DURABLE_APPENDS; i += 1) {
    const body = entryBody({ seq: i + 1, ...at(i), actors: [actor], kind: 'authenticator.added', payload: payload(i), prevHash });
    prevHash = sha256Hex(body);
    rows.push([body, prevHash]);
  }
  const insert = bare.prepare('INSERT INTO ledger_entries (body, hash) VALUES (?, ?)');
  const bareInsert = bare.transaction((i: number) => insert.run(...rows[i]!));

  // Alternate blocks so that both sides see the same disk and the same neighbours.
  const block = 100;
  let ledgerMs = 0;
  let bareMs = 0;
  for (let start = 0; start < DURABLE_APPENDS; start += block) {
    bareMs += time(() => {
      for (let i = start; i < start + block; i += 1) bareInsert.immediate(i);
    });
    ledgerMs += time(() => {
      for (let i = start; i < start + block; i += 1) appendEntry(ledgerDb, { kind: 'authenticator.added', actors: [actor], payload: payload(i) }, at(i));
    });
  }
  ledgerDb.close();
  bare.close();
  console.log(`durable appends, one transaction each, synchronous=FULL: ${DURABLE_APPENDS} in ${ledgerMs.toFixed(0)} ms = ${Math.round((DURABLE_APPENDS / ledgerMs) * 1000)} entries/s`);
  console.log(`  baseline, bare better-sqlite3 inserts of the same rows: ${bareMs.toFixed(0)} ms = ${Math.round((DURABLE_APPENDS / bareMs) * 1000)} rows/s`);
  console.log(`  ratio ledger / bare append rate: ${(bareMs / ledgerMs).toFixed(2)}x (target >= 0.7x)`);
}

try {
  benchVerify();
  benchDurableAppends();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
