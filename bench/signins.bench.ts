// npm run bench:signins — importing and reconciling an Entra sign-in export (Graph JSON) of 100k
// records (and of 1M with `npm run bench:signins -- --million`, several minutes), against
// JSON.parse of the same bytes, with the importing process's peak RSS as the operating system
// counts it. Each import runs in a child process on a fresh copy of the database; repetitions
// alternate with the baseline.
import { execFileSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addAccount } from '../app/inventory/inventory';
import { initDatabase } from '../app/keyward';
import { median, REPETITIONS, report } from './measure';

const SIZES = (process.env.BENCH_SIGNINS ?? (process.argv.includes('--million') ? '100000,1000000' : '100000')).split(',').map(Number);
/** The baseline parses the records in pages of this many, as Graph pages them, so that 1M records never sit in memory whole. */
const PAGE = 100_000;
const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-signins-'));

const record = (i: number) => ({
  id: `66ea54eb-${String(i % 10_000).padStart(4, '0')}-4ee5-be62-${String(i).padStart(12, '0')}`,
  createdDateTime: new Date(Date.UTC(2026, 10, 1) + i * 2_000).toISOString(),
  userDisplayName: 'Someone',
  userPrincipalName: i % 500 === 0 ? 'bg1@contoso.onmicrosoft.com' : `user${i % 997}@contoso.com`,
  userId: i % 500 === 0 ? BG1 : `0000${String(i % 997).padStart(4, '0')}-0000-0000-0000-000000000000`,
  appDisplayName: 'Azure Portal',
  ipAddress: '198.51.100.7',
  status: { errorCode: i % 7 === 0 ? 50126 : 0, failureReason: i % 7 === 0 ? 'Invalid username or password.' : 'Other.' },
  conditionalAccessStatus: 'notApplied',
});

/** A Graph export of `count` sign-ins, written out without holding it whole; the byte ranges of its pages for the baseline. */
async function writeExport(file: string, count: number): Promise<[number, number][]> {
  const out = createWriteStream(file);
  const head = '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[';
  let offset = Buffer.byteLength(head);
  const pages: [number, number][] = [];
  out.write(head);
  for (let i = 0; i < count; i += 1) {
    const text = `${i ? ',' : ''}${JSON.stringify(record(i))}`;
    if (i % PAGE === 0) pages.push([offset + (i ? 1 : 0), offset]);
    offset += Buffer.byteLength(text);
    pages[pages.length - 1]![1] = offset;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(']}', resolve));
  return pages;
}

async function benchImport(count: number): Promise<void> {
  const file = join(dir, `signins-${count}.json`);
  const pages = await writeExport(file, count);
  const bytes = statSync(file).size;
  const template = join(dir, 'template.db');
  rmSync(template, { force: true });
  const clock = { now: () => new Date('2026-12-01T00:00:00Z'), utcOffsetMinutes: () => 60 };
  const { db } = initDatabase(template, clock, { role: 'operator', name: 'bench' });
  addAccount({ db, clock, actor: { role: 'operator', name: 'bench' } }, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });
  db.close();

  const importMs: number[] = [];
  const parseMs: number[] = [];
  let rss = 0;
  for (let r = 0; r < REPETITIONS; r += 1) {
    const copy = join(dir, `import-${r}.db`);
    copyFileSync(template, copy);
    const child = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'signins-import-child.ts'), copy, file], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').at(-1)!) as { ms: number; records: number; maxRss: number };
    if (child.records !== count) throw new Error(`imported ${child.records} of ${count} records`);
    rmSync(copy, { force: true });
    importMs.push(child.ms);
    rss = Math.max(rss, child.maxRss);
    const whole = readFileSync(file);
    const start = performance.now();
    let parsed = 0;
    for (const [from, to] of pages) parsed += (JSON.parse(`[${whole.toString('utf8', from, to)}]`) as unknown[]).length;
    parseMs.push(performance.now() - start);
    if (parsed !== count) throw new Error(`parsed ${parsed} of ${count} records`);
  }
  const mb = bytes / 1e6;
  report({
    name: `sign-in import + reconcile, ${count.toLocaleString('en')} records`,
    work: `keyward signins import + reconcile of a ${mb.toFixed(0)} MB Graph export in a fresh process and database; median ${median(importMs).toFixed(0)} ms = ${(mb / (median(importMs) / 1000)).toFixed(1)} MB/s`,
    baseline: `JSON.parse of the same bytes, in pages of ${PAGE.toLocaleString('en')} records; median ${median(parseMs).toFixed(0)} ms = ${(mb / (median(parseMs) / 1000)).toFixed(1)} MB/s`,
    ratios: importMs.map((ms, i) => parseMs[i]! / ms),
    goal: { atLeast: 0.3 },
    notes: [`peak RSS of the importing process (OS maxRSS): ${(rss / 1e6).toFixed(0)} MB for a ${mb.toFixed(0)} MB file`],
  });
  rmSync(file, { force: true });
}

try {
  for (const count of SIZES) await benchImport(count);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
