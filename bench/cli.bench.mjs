// npm run bench:cli — how fast the `keyward` bin starts, as ratios against `node -e 0` measured in
// the same run: the median of interleaved runs, wall time and CPU time (all threads). Not a test:
// the machine is shared and noisy, so the ratios are printed against their goals, never asserted.
// Every run is a fresh process, as a person or a script gets it; the bin is (re)built first, so
// the figures are the bundle's and not tsx's fallback.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 21);
const WARMUP = 2;

if (!process.argv.includes('--no-build')) {
  const { buildCli } = await import('../build/scripts/build-cli.mjs');
  await buildCli();
}

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-cli-'));
const db = join(dir, 'empty.db');
// Reports the process's own CPU time (user + system, every thread) on fd 3 as it exits; loaded
// into the baseline too, so its small cost is on both sides of the ratio.
const probe = join(dir, 'cpu-probe.cjs');
writeFileSync(probe, "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(3, String(u.user + u.system)); });\n");
const bin = join(root, 'cli/bin/keyward.mjs');
const env = { ...process.env, KEYWARD_DB: db, NO_COLOR: '1' };

function run(args, exitCodes = [0]) {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--require', probe, ...args], { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (child.error) throw child.error;
  if (!exitCodes.includes(child.status)) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { wallMs, cpuMs: Number(child.output[3]) / 1000 };
}

const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'keyward --help', args: [bin, '--help'], goal: 2 },
  // An empty database has open critical findings (fewer than two accounts...), so status exits 2.
  { name: 'keyward status (empty database)', args: [bin, 'status'], goal: 3, exitCodes: [0, 2] },
];

try {
  run([bin, 'init']);
  const samples = cases.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    cases.forEach((c, k) => {
      const { wallMs, cpuMs } = run(c.args, c.exitCodes);
      if (i < WARMUP) return;
      samples[k].wall.push(wallMs);
      samples[k].cpu.push(cpuMs);
    });
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const [base] = samples.map((s) => ({ wall: median(s.wall), cpu: median(s.cpu) }));
  console.log(`keyward start-up, median of ${RUNS} interleaved runs each (node ${process.version}, ${process.platform})`);
  cases.forEach((c, k) => {
    const wall = median(samples[k].wall);
    const cpu = median(samples[k].cpu);
    const line = `${c.name.padEnd(34)} wall ${wall.toFixed(0).padStart(5)} ms  cpu ${cpu.toFixed(0).padStart(5)} ms`;
    if (!c.goal) return console.log(`${line}  (baseline)`);
    const ratios = [wall / base.wall, cpu / base.cpu];
    const verdict = ratios.every((r) => r <= c.goal) ? 'within goal' : 'OVER GOAL';
    console.log(`${line}  = ${ratios[0].toFixed(2)}x wall, ${ratios[1].toFixed(2)}x cpu (goal <= ${c.goal}x: ${verdict})`);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
