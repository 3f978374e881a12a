// npm run bench:status — the header's status:get once the ledger grew by one entry, at
// 100k entries (BENCH_STATUS_ENTRIES), against the same status given a verdict (what the rest of
// the status costs: the verification should add little to it), with the status verifying the whole
// database and folding the whole ledger into findings as it did before app/ledger/verified-head and
// app/findings/folded-ledger; the verification alone against verifyStoredLedger; and the findings
// judgement alone, folding the entries appended since the last one, against the same judgement
// folding the whole ledger. Not a test: the machine is shared and noisy, so only ratios within one run are printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDatabase } from '../app/keyward';
import { judgeNow } from '../app/findings/findings';
import { forgetFoldedLedger } from '../app/findings/folded-ledger';
import { readStatus } from '../app/inventory/status';
import { verifyStoredLedger } from '../app/ledger/ledger';
import { verifyForStatus } from '../app/ledger/verified-head';
import { appendEntry } from '../db/ledger';
import { createIpcRouter } from '../electron/main/router';
import { interleaved, median, report, throughputRatios } from './measure';

const ENTRIES = Number(process.env.BENCH_STATUS_ENTRIES ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
const actor = { role: 'operator' as const, name: 'bench' };
const start = Date.UTC(2026, 0, 1);
const at = (i: number) => ({ recordedAt: new Date(start + i * 60_000).toISOString(), utcOffset: '+01:00' });
const clock = { now: () => new Date(start + ENTRIES * 60_000), utcOffsetMinutes: () => 60 };
/** A quarterly presence check of one of 200 keys, as the room's ledger is mostly made of. */
const check = (i: number) => ({ authenticatorId: i % 200, label: `YK-${String(i % 200).padStart(3, '0')}`, result: 'ok', findings: [], before: { signCount: i, pinRetries: 8 }, after: { signCount: i + 1, pinRetries: 8 }, drill: false });

try {
  const { db } = initDatabase(join(dir, 'keyward.db'), clock, actor);
  // Each side appends one entry before its status; without the wait for the disk, that append costs
  // the same small time on every side instead of a flush that varies with the machine's other work.
  db.pragma('synchronous = OFF');
  let i = 1;
  const grow = () => appendEntry(db, { kind: 'presence.checked', actors: [actor], payload: check(i) }, at((i += 1)));
  for (let from = 1; from < ENTRIES; from += 10_000) db.transaction(() => { while (i < Math.min(ENTRIES, from + 10_000)) grow(); })();
  const router = createIpcRouter({ session: { db, clock, actor }, trustedOrigin: 'app://keyward' });
  const status = async () => {
    const reply = await router.handle('status:get', undefined, { url: 'app://keyward/index.html' });
    if (!reply.ok || !(reply.value as { findings: { ledgerVerified: boolean } }).findings.ledgerVerified) throw new Error(`status:get did not verify: ${JSON.stringify(reply).slice(0, 300)}`);
  };
  await status(); // the first status verifies the whole database
  const now = clock.now();
  const verdict = verifyStoredLedger(db);
  const session = { db, clock };
  const expectFolded = (judgement: ReturnType<typeof judgeNow>, mode: string) => {
    if (judgement.folded.mode !== mode) throw new Error(`the findings were folded ${judgement.folded.mode}, not ${mode}`);
  };
  // Each side sees a ledger one entry longer than at its last call, as after a custody transaction.
  const times = interleaved({
    // What the handler does (electron/main/handlers.ts status:get).
    after: () => { grow(); readStatus(db, now, verifyForStatus(db, now).verification); },
    before: () => { grow(); forgetFoldedLedger(db); readStatus(db, now); },
    floor: () => { grow(); readStatus(db, now, verdict); },
    verifyAfter: () => { grow(); verifyForStatus(db, now); },
    verifyBefore: () => { grow(); verifyStoredLedger(db); },
    findingsAfter: () => { grow(); expectFolded(judgeNow(session, verdict), 'after-head'); },
    findingsBefore: () => { grow(); expectFolded(judgeNow(session, verdict, { fromScratch: true }), 'whole'); },
  });
  await status();
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms median`;
  report({
    name: 'status:get after one append',
    work: `status:get at ${ENTRIES.toLocaleString('en')} entries, verifying the entries after the last verified head (${ms(times.after)})`,
    baseline: `the same status given a verdict, verifying nothing (${ms(times.floor)})`,
    ratios: throughputRatios(times.after, times.floor),
    goal: { atLeast: 0.9 },
    notes: [`before, verifying the whole database and folding the whole ledger into findings: ${ms(times.before)}, ${median(throughputRatios(times.after, times.before)).toFixed(0)}x slower than now`],
  });
  report({
    name: 'status verification after one append',
    work: `verifyForStatus at ${ENTRIES.toLocaleString('en')} entries (${ms(times.verifyAfter)})`,
    baseline: `verifyStoredLedger (${ms(times.verifyBefore)})`,
    ratios: throughputRatios(times.verifyAfter, times.verifyBefore),
    goal: { atLeast: 100 },
  });
  report({
    name: 'findings after one append',
    work: `judgeNow at ${ENTRIES.toLocaleString('en')} entries given a verdict, folding the entries appended since the last judgement (${ms(times.findingsAfter)})`,
    baseline: `the same judgement folding the whole ledger, as every status did before app/findings/folded-ledger (${ms(times.findingsBefore)})`,
    ratios: throughputRatios(times.findingsAfter, times.findingsBefore),
    goal: { atLeast: 100 },
  });
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
