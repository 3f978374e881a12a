// npm run bench:report — the custody report over 100,000 custody transactions (BENCH_REPORT_TRANSACTIONS):
// its throughput against a minimal pdfkit loop writing the same rows with the same fonts, and its
// peak memory as the operating system measured it (each run is a child process; its maxRSS).
// Not a test: the machine is shared and noisy, so ratios of runs interleaved in one go are printed.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { initDatabase, openExistingDatabase } from '../app/keyward';
import { buildCustodyReport } from '../app/reports/report';
import { writeReportPdf } from '../app/reports/report-pdf';
import { FONTS } from '../app/reports/pdf-text';
import { steppingClock } from '../test/support/session';
import { REPETITIONS, median, report } from './measure';
import { roomWithHistory } from '../test/support/custody-history';

const TRANSACTIONS = Number(process.env.BENCH_REPORT_TRANSACTIONS ?? 100_000);
// Fewer than five only when asked for, to try the bench quickly; the table's figures take five or more.
const REPEATS = Number(process.env.BENCH_REPORT_REPEATS ?? REPETITIONS);
const RSS_GOAL_MB = 300;
const RATIO_GOAL = 0.5;
const actor = { role: 'operator' as const, name: 'bench' };
const PERIOD = { from: '2026-11-01', to: '2027-12-31' };

interface Run {
  /** Wall time and CPU time (user + system) of the writing alone: the same rows laid out and written. */
  readonly ms: number;
  readonly cpuMs: number;
  /** Gathering the report from the database (verification included), before the writing; the work only. */
  readonly gatherMs: number;
  readonly maxRssMb: number;
  readonly rows: number;
  readonly pages: number;
}

/** One run in this process: the report as `keyward report` makes it, or the baseline loop. */
async function child(mode: string, dbPath: string, out: string): Promise<Run> {
  const db = openExistingDatabase(dbPath, { readonly: true });
  const session = { db, clock: steppingClock('2027-12-31T12:00:00.000Z'), actor };
  const gatherStart = performance.now();
  const report = buildCustodyReport(session, PERIOD);
  const gatherMs = performance.now() - gatherStart;
  const tables = report.sections.flatMap((s) => (s.table ? [s.table] : []));
  const start = performance.now();
  const cpu = process.cpuUsage();
  const pages = mode === 'work' ? (await writeReportPdf(report, out)).pages : await minimalPdfkitLoop(tables, out);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, gatherMs, maxRssMb: process.resourceUsage().maxRSS / 1024, rows: tables.reduce((n, t) => n + t.rows.length, 0), pages };
}

/** The baseline: pdfkit writing each cell with its own wrapping, the same fonts and sizes, a new page when one is full; nothing else. */
async function minimalPdfkitLoop(tables: readonly { columns: readonly { width: number; mono?: boolean }[]; rows: readonly (readonly string[])[] }[], out: string): Promise<number> {
  const doc = new PDFDocument({ size: 'A4', margin: 48 });
  for (const [name, path] of Object.entries(FONTS)) doc.registerFont(name, path);
  const done = new Promise<void>((resolve, reject) => doc.pipe(createWriteStream(out)).on('finish', resolve).on('error', reject));
  const width = doc.page.width - 96;
  const bottom = doc.page.height - 48 - 40;
  let pages = 1;
  let y = 48;
  for (const table of tables) {
    for (const row of table.rows) {
      if (y > bottom - 30) {
        doc.addPage();
        pages += 1;
        y = 48;
      }
      let x = 48;
      let next = y;
      row.forEach((cell, i) => {
        const w = table.columns[i]!.width * width;
        doc.font(table.columns[i]!.mono ? 'mono' : 'regular').fontSize(8).text(cell, x + 3, y + 3, { width: w - 6 });
        next = Math.max(next, doc.y + 3);
        x += w;
      });
      y = next;
    }
  }
  doc.end();
  await done;
  return pages;
}


async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-report-'));
  try {
    const dbPath = join(dir, 'bench.db');
    let start = performance.now();
    const { db } = initDatabase(dbPath, steppingClock('2026-11-02T08:00:00.000Z'), actor);
    db.pragma('synchronous = OFF'); // the fixture only: nothing here needs to survive a power cut
    await roomWithHistory({ db, clock: steppingClock('2026-11-02T08:05:00.000Z'), actor }, TRANSACTIONS);
    db.close();
    console.log(`report bench: ${TRANSACTIONS.toLocaleString('en')} custody transactions written and signed in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    const runs: Record<'work' | 'baseline', Run[]> = { work: [], baseline: [] };
    for (let r = 0; r < REPEATS; r += 1) {
      for (const mode of r % 2 === 0 ? (['work', 'baseline'] as const) : (['baseline', 'work'] as const)) {
        start = performance.now();
        const result = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'child', mode, dbPath, join(dir, `${mode}.pdf`)], { encoding: 'utf8', timeout: 30 * 60_000 });
        if (result.status !== 0) throw new Error(`the ${mode} run failed: ${result.stderr || result.error?.message}`);
        runs[mode].push(JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Run);
      }
    }
    // Throughput from CPU time: on a shared machine the wall clock also counts other people's work.
    const ratios = runs.work.map((w, i) => runs.baseline[i]!.cpuMs / w.cpuMs);
    const wallRatios = runs.work.map((w, i) => runs.baseline[i]!.ms / w.ms);
    const work = runs.work[0]!;
    const peaks = runs.work.map((w) => w.maxRssMb);
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    report({
      name: 'custody report PDF',
      work: `keyward's writer (every row measured once, pages counted, each page written as it fills) on ${work.rows.toLocaleString('en')} rows, ${work.pages.toLocaleString('en')} pages: median CPU ${sec(median(runs.work.map((w) => w.cpuMs)))}, wall ${sec(median(runs.work.map((w) => w.ms)))}`,
      baseline: `a minimal pdfkit loop writing the same rows with the same fonts, ${runs.baseline[0]!.pages.toLocaleString('en')} pages: median CPU ${sec(median(runs.baseline.map((b) => b.cpuMs)))}, wall ${sec(median(runs.baseline.map((b) => b.ms)))}, peak RSS ${Math.max(...runs.baseline.map((b) => b.maxRssMb)).toFixed(0)} MB`,
      ratios,
      goal: { atLeast: RATIO_GOAL },
      notes: [`throughput from CPU time; by wall time ${median(wallRatios).toFixed(2)}x`, `gathering before the writing (verification and findings included): median ${sec(median(runs.work.map((w) => w.gatherMs)))}`],
    });
    report({
      name: 'custody report peak RSS / 300 MB',
      work: `the whole report of ${TRANSACTIONS.toLocaleString('en')} transactions (gathering and writing), peak RSS by the OS (each run's maxRSS): median ${median(peaks).toFixed(0)} MB, largest ${Math.max(...peaks).toFixed(0)} MB`,
      baseline: `${RSS_GOAL_MB} MB`,
      ratios: peaks.map((p) => p / RSS_GOAL_MB),
      goal: { atMost: 1 },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  const [, , , mode, dbPath, out] = process.argv as [string, string, string, string, string, string];
  console.log(JSON.stringify(await child(mode, dbPath, out)));
} else {
  await main();
}
