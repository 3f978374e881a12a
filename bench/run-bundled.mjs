// Runs a benchmark as the desktop app runs its code: bundled by esbuild for Node 20 (see
// build/scripts/build.mjs), not through tsx's on-the-fly loader, so the figures are the app's.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [entry, ...nodeFlags] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/run-bundled.mjs BENCH.ts [node flags]');
  process.exit(1);
}
const outDir = join(root, '.tmp', 'bench');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.mjs'));
await build({ entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
const run = spawnSync(process.execPath, [...nodeFlags, outfile], { stdio: 'inherit' });
process.exit(run.status ?? 1);
