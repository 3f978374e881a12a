// npm run bench:audit — an audit bundle of BENCH_AUDIT_ENTRIES entries (100,000 by default; the
// goal is stated for 1,000,000) verified with no database, against `ledger verify` of the same
// entries in the database; and 20 sites' bundles gathered into an auditor database, against
// verifying the same 20 bundles alone. Ratios of runs interleaved in one go, never absolute times.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAuditBundle } from '../app/audit/audit-export';
import { verifyAuditBundle, verifyAuditBundleBytes } from '../app/audit/audit-verify';
import { addAuditBundle } from '../app/audit/auditor';
import { initDatabase } from '../app/keyward';
import { nameSite, recordCheckpoint } from '../app/ledger/checkpoints';
import { verifyStoredLedger, verifyWholeDatabase } from '../app/ledger/ledger';
import { drillKeySource, type KeySource } from '../app/presence/key-sources';
import { appendEntry } from '../db/ledger';
import { custodiansOf } from '../test/support/circle';
import { steppingClock } from '../test/support/session';
import { interleaved, median, report, throughputRatios } from './measure';

const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 100_000);
const SITES = 20;
const SITE_ENTRIES = Number(process.env.BENCH_AUDIT_SITE_ENTRIES ?? 5_000);
const actor = { role: 'operator' as const, name: 'bench' };
const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-audit-'));

/** A site's database with `entries` entries, a checkpoint every 10,000, and its bundle. */
async function site(name: string, entries: number, start: string) {
  const clock = steppingClock(start);
  const path = join(dir, `${name}.db`);
  const { db } = initDatabase(path, clock, actor);
  const session = { db, clock, actor };
  const keys: KeySource = { simulated: false, open: (target) => drillKeySource(db, { store: 'custodians' }).open(target) };
  await custodiansOf(session, keys, ['Alice Example', 'Bob Example']);
  nameSite(session, { name });
  for (let done = 0; done < entries; done += 10_000) {
    db.transaction(() => {
      for (let i = done; i < Math.min(entries, done + 10_000); i += 1) appendEntry(db, { kind: 'netpath.proved', actors: [actor], payload: { verdict: 'met', summary: `wired and cellular, proof ${i}`, targets: ['login.microsoftonline.com:443'] } }, { recordedAt: clock.now().toISOString(), utcOffset: '+01:00' });
    })();
    await recordCheckpoint(session, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
  }
  const out = join(dir, `${name}.kwaudit`);
  await exportAuditBundle(session, keys, { out, custodian: 'Alice Example', witness: 'Bob Example' });
  return { db, out };
}

/** The auditor's rows of each bundle stored with nothing else done: a fresh file, one transaction a bundle, as `audit add` stores them. */
function storeBare(path: string, sites: readonly { site: string; rows: readonly { hash: string; kind: string; body: string }[] }[]): void {
  for (const { site, rows } of sites) {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS chain (site_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, kind TEXT, body TEXT, PRIMARY KEY (site_id, seq)) STRICT, WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO chain (site_id, seq, hash, kind, body) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => rows.forEach((row, i) => insert.run(site, i + 1, row.hash, row.kind, row.body)))();
    db.close();
  }
  for (const end of ['', '-wal', '-shm']) rmSync(`${path}${end}`, { force: true });
}

try {
  const big = await site('HQ', ENTRIES, '2026-01-01T00:00:00.000Z');
  // Both split a ledger this size across the cores; each is also walked on one thread alone.
  const one = interleaved({
    bundle: () => void verifyAuditBundle(big.out),
    ledger: () => void verifyStoredLedger(big.db),
    bundleAlone: () => void verifyAuditBundle(big.out, { threads: 1 }),
    ledgerAlone: () => void verifyWholeDatabase(big.db, { runs: null }),
  });
  const splitGain = median(one.bundleAlone.map((alone, i) => alone / one.bundle[i]!));
  report({
    name: 'audit-bundle-verify',
    work: `keyward audit verify of a bundle of ${ENTRIES.toLocaleString('en')} entries (no database)`,
    baseline: 'keyward ledger verify of the same entries in the database',
    ratios: throughputRatios(one.bundle, one.ledger),
    goal: { atLeast: 0.5 },
    notes: [`both walked on one thread: ${median(throughputRatios(one.bundleAlone, one.ledgerAlone)).toFixed(2)}x; split across the threads the bundle's walk runs ${splitGain.toFixed(2)}x as fast as on one`],
  });
  big.db.close();

  const bundles: string[] = [];
  for (let i = 0; i < SITES; i += 1) {
    const s = await site(`Site ${i + 1}`, SITE_ENTRIES, new Date(Date.UTC(2026, 0, 1 + i)).toISOString());
    s.db.close();
    bundles.push(s.out);
  }
  let round = 0;
  const rows = bundles.map((bundle) => {
    const read = verifyAuditBundleBytes(readFileSync(bundle));
    return { site: read.site!.id, rows: read.entries! };
  });
  const gather = interleaved({
    gather: () => {
      const auditor = join(dir, `auditor-${(round += 1)}.db`);
      for (const bundle of bundles) addAuditBundle(auditor, bundle, steppingClock());
    },
    verify: () => bundles.forEach((bundle) => verifyAuditBundle(bundle)),
    store: () => storeBare(join(dir, `bare-${round}.db`), rows),
  });
  const floor = median(gather.verify.map((verify, i) => verify / (verify + gather.store[i]!)));
  report({
    name: 'audit-gather-20-sites',
    work: `keyward audit add of ${SITES} sites' bundles of ${SITE_ENTRIES.toLocaleString('en')} entries into a new auditor database`,
    baseline: 'keyward audit verify of the same bundles',
    ratios: throughputRatios(gather.gather, gather.verify),
    goal: { atLeast: 0.5 },
    notes: [
      `floor set by storing: the same ${(SITES * SITE_ENTRIES).toLocaleString('en')} rows (site, seq, hash, kind, body) written by bare better-sqlite3 inserts, WAL and synchronous=FULL as the auditor database, one transaction a bundle, take ${median(gather.store).toFixed(0)} ms against ${median(gather.verify).toFixed(0)} ms of verifying: at best ${floor.toFixed(2)}x${floor < 0.5 ? ', so the goal cannot be met while the auditor database keeps the entries' : ''}`,
    ],
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
