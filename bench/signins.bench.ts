// npm run bench:signins — import + reconcile 100,000 sign-ins: throughput in MB/s as a ratio
// against JSON.parse of the same bytes, and the peak heap, measured in the same run.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addAccount } from '../app/inventory/inventory';
import { initDatabase } from '../app/keyward';
import { importSignIns, reconcileSignIns } from '../app/guidance/signins';

const COUNT = Number(process.env.BENCH_SIGNINS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-signins-'));
const file = join(dir, 'signins.json');
const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

// A Graph page as the portal's API returns it, written out without holding it whole.
await new Promise<void>((resolve) => {
  const out = createWriteStream(file);
  out.write('{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[');
  for (let i = 0; i < COUNT; i += 1) {
    const record = {
      id: `66ea54eb-${String(i).padStart(4, '0').slice(-4)}-4ee5-be62-${String(i).padStart(12, '0')}`,
      createdDateTime: new Date(Date.UTC(2026, 10, 1) + i * 20_000).toISOString(),
      userDisplayName: 'Someone',
      userPrincipalName: i % 500 === 0 ? 'bg1@contoso.onmicrosoft.com' : `user${i % 997}@contoso.com`,
      userId: i % 500 === 0 ? BG1 : `0000${String(i % 997).padStart(4, '0')}-0000-0000-0000-000000000000`,
      appDisplayName: 'Azure Portal',
      ipAddress: '198.51.100.7',
      status: { errorCode: i % 7 === 0 ? 50126 : 0, failureReason: i % 7 === 0 ? 'Invalid username or password.' : 'Other.' },
      conditionalAccessStatus: 'notApplied',
    };
    out.write(`${i ? ',' : ''}${JSON.stringify(record)}`);
  }
  out.end(']}', resolve);
});
const bytes = statSync(file).size;
const mb = bytes / 1e6;

const clock = { now: () => new Date('2026-12-01T00:00:00Z'), utcOffsetMinutes: () => 60 };
const actor = { role: 'operator' as const, name: 'bench' };
const { db } = initDatabase(join(dir, 'bench.db'), clock, actor);
const session = { db, clock, actor };
addAccount(session, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });

global.gc?.();
const heapBase = process.memoryUsage().heapUsed;
let peak = heapBase;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
let start = performance.now();
const imported = importSignIns(session, file);
const reconciled = reconcileSignIns(session);
const keywardMs = performance.now() - start;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().heapUsed);

global.gc?.();
start = performance.now();
const parsed = JSON.parse(readFileSync(file, 'utf8')) as { value: unknown[] };
const parseMs = performance.now() - start;

console.log(`import + reconcile ${imported.records} sign-ins (${mb.toFixed(1)} MB): ${keywardMs.toFixed(0)} ms = ${(mb / (keywardMs / 1000)).toFixed(1)} MB/s; ${reconciled.incidents.length} incidents found`);
console.log(`  baseline, JSON.parse of the same bytes (held whole): ${parseMs.toFixed(0)} ms = ${(mb / (parseMs / 1000)).toFixed(1)} MB/s (${parsed.value.length} records)`);
console.log(`  ratio Keyward / JSON.parse throughput: ${(parseMs / keywardMs).toFixed(2)}x`);
console.log(`  peak heap above the start while importing: ${((peak - heapBase) / 1e6).toFixed(1)} MB for a ${mb.toFixed(1)} MB file`);
db.close();
rmSync(dir, { recursive: true, force: true });
