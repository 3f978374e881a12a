// npm run bench:report — the custody report over 10,000 custody transactions (--transactions=100000,
// or BENCH_REPORT_TRANSACTIONS, for the 100,000 of the goal: writing that history takes minutes): its
// throughput against a minimal pdfkit loop writing the same rows with the same fonts, and its peak
// memory as the operating system measured it (each run is a child process; its maxRSS). The last
// report written is then read back with pdftotext: every transaction, and page N of M on every page.
// Not a test: the machine is shared and noisy, so ratios of runs interleaved in one go are printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { initDatabase, openExistingDatabase } from '../app/keyward';
import { buildCustodyReport, gatherCustodyReport } from '../app/reports/report';
import { writeReportPdf } from '../app/reports/report-pdf';
import { FONTS } from '../app/reports/pdf-text';
import { steppingClock } from '../test/support/session';
import { REPETITIONS, median, report } from './measure';
import { roomWithHistory } from '../test/support/custody-history';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const TRANSACTIONS = Number(flag('transactions') ?? process.env.BENCH_REPORT_TRANSACTIONS ?? 10_000);
/** An existing database of such a history (a copy is used), instead of writing one: --db=FILE. */
const GIVEN_DB = flag('db');
// Fewer than five only when asked for, to try the bench quickly; the table's figures take five or more.
const REPEATS = Number(process.env.BENCH_REPORT_REPEATS ?? REPETITIONS);
const RSS_GOAL_MB = 300;
const RATIO_GOAL = 0.5;
const actor = { role: 'operator' as const, name: 'bench' };
const PERIOD = { from: '2026-11-01', to: '2027-12-31' };

interface Table {
  readonly columns: readonly { width: number; mono?: boolean }[];
  readonly rows: readonly (readonly string[])[];
}

interface Run {
  /** Wall time and CPU time (user + system) of the writing alone: the same rows laid out and written. */
  readonly ms: number;
  readonly cpuMs: number;
  /** Gathering the report from the database (verification and findings included), before the writing. */
  readonly gatherMs: number;
  /** The process's peak RSS when the gathering was done, and at the end. */
  readonly gatherRssMb: number;
  readonly maxRssMb: number;
  readonly rows: number;
  readonly pages: number;
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/** One run in this process: the report as `keyward report` makes it, or the baseline loop over the rows `tables` holds. */
async function child(mode: string, dbPath: string, out: string, tables: string): Promise<Run | { rows: number }> {
  const db = openExistingDatabase(dbPath, { readonly: true });
  const session = { db, clock: steppingClock('2027-12-31T12:00:00.000Z'), actor };
  if (mode === 'rows') {
    // Once, for the baseline: the report's rows, held, so that the baseline loop reads nothing but them.
    const held = buildCustodyReport(session, PERIOD).sections.flatMap((s) => (s.table ? [{ columns: s.table.columns, rows: s.table.rows }] : []));
    writeFileSync(tables, JSON.stringify(held));
    return { rows: held.reduce((n, t) => n + t.rows.length, 0) };
  }
  const gatherStart = performance.now();
  const gathered = mode === 'work' ? gatherCustodyReport(session, PERIOD) : null;
  const baseline = mode === 'work' ? [] : (JSON.parse(readFileSync(tables, 'utf8')) as Table[]);
  const gatherMs = performance.now() - gatherStart;
  const gatherRssMb = maxRssMb();
  const start = performance.now();
  const cpu = process.cpuUsage();
  let rows = baseline.reduce((n, t) => n + t.rows.length, 0);
  const pages = gathered ? (await writeReportPdf(gathered, out, 'A4', (_step, _done, of) => (rows = of))).pages : await minimalPdfkitLoop(baseline, out);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, gatherMs, gatherRssMb, maxRssMb: maxRssMb(), rows, pages };
}

/** The baseline: pdfkit writing each cell with its own wrapping, the same fonts and sizes, a new page when one is full; nothing else. */
async function minimalPdfkitLoop(tables: readonly Table[], out: string): Promise<number> {
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


/** The report read back: its own "page N of M" and the head on every page, and every transaction of the ledger, in order. */
function checkReadBack(pdf: string, dbPath: string, pages: number): string {
  if (spawnSync('pdftotext', ['-v']).status !== 0) return 'read-back check SKIPPED: pdftotext (poppler-utils) is not installed';
  const db = openExistingDatabase(dbPath, { readonly: true });
  const head = db.prepare('SELECT hash FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string;
  const recorded = db.prepare("SELECT seq FROM ledger_entries WHERE kind IN ('custody.checked_out', 'custody.returned', 'custody.countersigned') ORDER BY seq").pluck().all() as number[];
  db.close();
  const byPage = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 30 }).split('\f').slice(0, -1);
  const wrong = byPage.findIndex((page, i) => (page.match(/page \d+ of \d+/g) ?? []).join() !== `page ${i + 1} of ${pages}` || page.split(`ledger head ${head}`).length !== 2);
  if (byPage.length !== pages || wrong >= 0) throw new Error(`read back: ${byPage.length} pages for ${pages}; page ${wrong + 1} is not footed "page ${wrong + 1} of ${pages}" with the head`);
  const listed = [...byPage.join('').matchAll(/^\s*(\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+(?:checked out|returned|countersigned)\s/gm)].map((m) => Number(m[1]));
  const missing = recorded.findIndex((seq, i) => listed[i] !== seq);
  if (missing >= 0 || listed.length !== recorded.length) throw new Error(`read back: ${listed.length} transactions listed for ${recorded.length}; the first missing or out of place is entry ${recorded[missing] ?? listed[recorded.length]}`);
  return `read back with pdftotext: all ${recorded.length.toLocaleString('en')} transactions in order, and "page N of ${pages.toLocaleString('en')}" and the head right on every page`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-report-'));
  try {
    const dbPath = join(dir, 'bench.db');
    const start = performance.now();
    if (GIVEN_DB) {
      copyFileSync(GIVEN_DB, dbPath);
      console.log(`report bench: the history in ${GIVEN_DB}`);
    } else {
      const { db } = initDatabase(dbPath, steppingClock('2026-11-02T08:00:00.000Z'), actor);
      db.pragma('synchronous = OFF'); // the fixture only: nothing here needs to survive a power cut
      await roomWithHistory({ db, clock: steppingClock('2026-11-02T08:05:00.000Z'), actor }, TRANSACTIONS);
      db.close();
      console.log(`report bench: ${TRANSACTIONS.toLocaleString('en')} custody transactions written and signed in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    }
    const counted = openExistingDatabase(dbPath, { readonly: true });
    const transactions = counted.prepare("SELECT count(*) FROM ledger_entries WHERE kind IN ('custody.checked_out', 'custody.returned')").pluck().get() as number;
    counted.close();
    const spawnChild = (mode: string) => {
      const result = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'child', mode, dbPath, join(dir, `${mode}.pdf`), join(dir, 'tables.json')], { encoding: 'utf8', timeout: 60 * 60_000, maxBuffer: 1 << 26 });
      if (result.status !== 0) throw new Error(`the ${mode} run failed: ${result.stderr || result.error?.message}`);
      return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Run;
    };
    spawnChild('rows');
    const runs: Record<'work' | 'baseline', Run[]> = { work: [], baseline: [] };
    for (let r = 0; r < REPEATS; r += 1) {
      for (const mode of r % 2 === 0 ? (['work', 'baseline'] as const) : (['baseline', 'work'] as const)) runs[mode].push(spawnChild(mode));
    }
    // Throughput from CPU time: on a shared machine the wall clock also counts other people's work.
    const ratios = runs.work.map((w, i) => runs.baseline[i]!.cpuMs / w.cpuMs);
    const wallRatios = runs.work.map((w, i) => runs.baseline[i]!.ms / w.ms);
    const work = runs.work[0]!;
    const peaks = runs.work.map((w) => w.maxRssMb);
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const mb = (values: number[]) => `median ${median(values).toFixed(0)} MB, largest ${Math.max(...values).toFixed(0)} MB`;
    report({
      name: `custody report PDF, ${work.rows.toLocaleString('en')} rows`,
      work: `keyward's writer (rows read from the ledger a window at a time, each measured once, pages counted, then written as each page fills) on ${work.rows.toLocaleString('en')} rows, ${work.pages.toLocaleString('en')} pages: median CPU ${sec(median(runs.work.map((w) => w.cpuMs)))}, wall ${sec(median(runs.work.map((w) => w.ms)))}`,
      baseline: `a minimal pdfkit loop writing the same rows, held in memory, with the same fonts, ${runs.baseline[0]!.pages.toLocaleString('en')} pages: median CPU ${sec(median(runs.baseline.map((b) => b.cpuMs)))}, wall ${sec(median(runs.baseline.map((b) => b.ms)))}, peak RSS ${mb(runs.baseline.map((b) => b.maxRssMb))}`,
      ratios,
      goal: { atLeast: RATIO_GOAL },
      notes: [`throughput from CPU time; by wall time ${median(wallRatios).toFixed(2)}x`, `gathering before the writing (verification and findings included): median ${sec(median(runs.work.map((w) => w.gatherMs)))}`],
    });
    report({
      name: `custody report peak RSS / 300 MB, ${transactions.toLocaleString('en')} transactions`,
      work: `the whole report of ${transactions.toLocaleString('en')} transactions (gathering and writing), peak RSS by the OS (each run's maxRSS): ${mb(peaks)}; peak by the end of the gathering (verification included) ${mb(runs.work.map((w) => w.gatherRssMb))}`,
      baseline: `${RSS_GOAL_MB} MB`,
      ratios: peaks.map((p) => p / RSS_GOAL_MB),
      goal: { atMost: 1 },
    });
    console.log(checkReadBack(join(dir, 'work.pdf'), dbPath, work.pages));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  const [, , , mode, dbPath, out, tables] = process.argv as [string, string, string, string, string, string, string];
  console.log(JSON.stringify(await child(mode, dbPath, out, tables)));
} else {
  await main();
}
