// npm run bench:report — a custody report over 10,000 ledger entries: time and peak memory,
// against pdfkit laying out the same table rows alone, measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initDatabase } from '../app/keyward';
import { buildCustodyReport } from '../app/reports/report';
import { writeReportPdf } from '../app/reports/report-pdf';
import { appendEntry } from '../db/ledger';
import type { ReportTable } from '../core/reports/report';
import type { JsonValue } from '../core/ledger/canonical-json';

const ENTRIES = Number(process.env.BENCH_REPORT_ENTRIES ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-report-'));
const actor = { role: 'operator' as const, name: 'bench' };
let t = Date.parse('2026-11-02T08:00:00.000Z');
const clock = { now: () => new Date(t), utcOffsetMinutes: () => 60 };
const { db } = initDatabase(join(dir, 'bench.db'), clock, actor);

db.transaction(() => {
  for (let i = 0; i < ENTRIES; i += 1) {
    t += 60_000;
    const at = { recordedAt: new Date(t).toISOString(), utcOffset: '+01:00' };
    const kind = i % 3 === 2 ? 'presence.checked' : i % 3 === 0 ? 'custody.checked_out' : 'custody.returned';
    const payload =
      kind === 'presence.checked'
        ? { authenticatorId: 1, label: `YK-${i % 50}`, result: 'ok', findings: [], drill: true }
        : kind === 'custody.checked_out'
          ? { authenticatorId: 1, label: `YK-${i % 50}`, custodianId: 1, witnessId: 2, reason: 'drill', ticket: `CHG-${i}`, brokenSeal: `S-${i}`, sealIntact: true, expectedReturnAt: at.recordedAt, noWitness: false }
          : { authenticatorId: 1, label: `YK-${i % 50}`, custodianId: 2, witnessId: 1, newSeal: `S-${i + 1}`, checkoutSeq: i, presence: null };
    appendEntry(db, { kind, actors: [actor], payload: payload as unknown as Record<string, JsonValue> }, at);
  }
})();

// Heap in use, sampled while each run works; a collection runs before each so both start alike.
const peak = () => process.memoryUsage().heapUsed;
global.gc?.();
const session = { db, clock, actor };
let peakReport = 0;
let start = performance.now();
const report = buildCustodyReport(session, { from: '2026-11-01', to: '2026-12-31' });
const reportPdf = join(dir, 'report.pdf');
const timer = setInterval(() => (peakReport = Math.max(peakReport, peak())), 5);
const { pages } = await writeReportPdf(report, reportPdf);
clearInterval(timer);
peakReport = Math.max(peakReport, peak());
const reportMs = performance.now() - start;

// Baseline: the same rows through the same table layout, nothing gathered from the ledger.
const tables = report.sections.flatMap((s) => (s.table ? [s.table] : [])) as ReportTable[];
const bare = { ...report, sections: tables.map((table, i) => ({ title: `Table ${i + 1}`, table })) };
global.gc?.();
let peakBare = 0;
start = performance.now();
const timer2 = setInterval(() => (peakBare = Math.max(peakBare, peak())), 5);
await writeReportPdf(bare, join(dir, 'bare.pdf'));
clearInterval(timer2);
peakBare = Math.max(peakBare, peak());
const bareMs = performance.now() - start;

const rows = tables.reduce((n, table) => n + table.rows.length, 0);
console.log(`report over ${ENTRIES} ledger entries: ${rows} table rows, ${pages} pages in ${reportMs.toFixed(0)} ms, peak heap ${(peakReport / 1e6).toFixed(0)} MB`);
console.log(`  baseline, pdfkit laying out the same rows alone: ${bareMs.toFixed(0)} ms, peak heap ${(peakBare / 1e6).toFixed(0)} MB`);
console.log(`  ratio report / baseline time: ${(reportMs / bareMs).toFixed(2)}x; memory: ${(peakReport / peakBare).toFixed(2)}x`);
db.close();
rmSync(dir, { recursive: true, force: true });
