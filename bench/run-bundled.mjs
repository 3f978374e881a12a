// Runs a benchmark as the desktop app runs its code: bundled by esbuild for Node 20 (see
// build/scripts/build.mjs), not through tsx's on-the-fly loader, so the figures are the app's.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [entry, ...flags] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/run-bundled.mjs BENCH.ts [node flags] [the bench\'s own flags]');
  process.exit(1);
}
// Node's own flags (--expose-gc, --cpu-prof, …) go to node; any other is the bench's (npm run bench:report -- --transactions=100000).
const isNodeFlag = (flag) => process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]) || /^--(cpu-prof|heap-prof|prof)/.test(flag);
const nodeFlags = flags.filter(isNodeFlag);
const benchFlags = flags.filter((flag) => !isNodeFlag(flag));
const outDir = join(root, '.tmp', 'bench');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
await build({ entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
const run = spawnSync(process.execPath, [...nodeFlags, outfile, ...benchFlags], { stdio: 'inherit' });
process.exit(run.status ?? 1);
