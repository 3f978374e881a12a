// npm run bench:netpath — a network-path proof's total time against its slowest path, in the
// namespace lab (root, Linux): provider B silently drops everything for the cellular link, so that
// path runs to its 1 s limit while the wired one completes. The paths run at once, so the total
// should stay within 1.2× the slowest path; the ratio is measured in this run, on this machine.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { initDatabase } from '../app/keyward';
import { overrideClassification } from '../app/netpath/netpath';
import { systemClock } from '../app/ports';
import type { NetworkProof } from '../core/netpath/evidence';
import { NetnsLab, TARGET_NAME, labUnavailable } from '../test/support/netns-lab';
import { temporaryDirectory } from '../test/support/session';

const REPETITIONS = Number(process.env.BENCH_NETPATH_REPETITIONS ?? 7);
const unavailable = labUnavailable();
if (unavailable) {
  console.log(`netpath bench skipped: ${unavailable}`);
  process.exit(0);
}
const dir = temporaryDirectory('keyward-bench-netpath-');
const lab = new NetnsLab(dir.path);
const db = join(dir.path, 'keyward.db');
const bin = new URL('../cli/bin/keyward.mjs', import.meta.url).pathname;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  lab.makeCertificates();
  await lab.up();
  const { db: opened } = initDatabase(db, systemClock, { role: 'operator', name: 'bench' });
  for (const [iface, cls] of [['wired0', 'wired'], ['wwan0', 'cellular'], ['wwan1', 'virtual']]) overrideClassification({ db: opened, clock: systemClock, actor: { role: 'operator', name: 'bench' } }, { interface: iface, class: cls });
  opened.close();
  lab.run(lab.provB, 'ip route add blackhole 10.92.1.2/32');
  const ratios: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < REPETITIONS; i += 1) {
    const run = spawnSync('ip', ['netns', 'exec', lab.site, process.execPath, bin, '--db', db, '--json', 'netpath', 'probe', '--target', `${TARGET_NAME}:443`, '--ca', join(dir.path, 'ca.pem'), '--timeout', '1'], { timeout: 60_000, killSignal: 'SIGKILL' });
    // Exit 2 (not met) is expected: the cellular path is down.
    if (run.status !== 2) throw new Error(`the probe exited with ${run.status ?? run.signal}: ${run.stderr.toString()}`);
    const proof = JSON.parse(run.stdout.toString()) as NetworkProof;
    const slowest = Math.max(...proof.paths.map((p) => p.probe?.ms ?? 0));
    ratios.push(proof.ms / slowest);
    totals.push(proof.ms);
  }
  const ratio = median(ratios);
  console.log(`netpath probe, 2 paths, 1 s limit, one path silent: total ${median(totals)} ms median; total / slowest path = ${ratio.toFixed(3)} (median of ${REPETITIONS}; target <= 1.2) ${ratio <= 1.2 ? 'OK' : 'OVER'}`);
} finally {
  lab.down();
  dir.remove();
}
