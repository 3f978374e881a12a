// Builds what Electron loads: main and preload as CommonJS bundles, the renderer with Vite.
// `--out=<folder>` builds into another folder than dist (tests build a copy of their own);
// `--only=main,preload` builds only those parts.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const out = resolve(option('out') ?? `${root}/dist`);
const parts = new Set((option('only') ?? 'main,preload,renderer').split(','));

/** Bundles with esbuild and puts each file in place whole (write, then rename), so nothing ever loads half a bundle. */
async function bundle(options) {
  const { outputFiles } = await build({ ...options, write: false });
  for (const file of outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(`${file.path}.${process.pid}.tmp`, file.contents);
    renameSync(`${file.path}.${process.pid}.tmp`, file.path);
  }
}

await Promise.all([
  parts.has('main') &&
    bundle({
      entryPoints: [`${root}/electron/main/main.ts`],
      outfile: `${out}/main/main.cjs`,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Our code is bundled; packages stay in node_modules (they ship with the app), so libraries
      // that find their own data files (pdfkit's colour profiles, fonts) keep working.
      packages: 'external',
      external: ['electron'],
      // Code that runs only beside the sources (app/ledger/ledger-walkers.ts) is left out.
      dropLabels: ['SOURCES'],
      logOverride: { 'empty-import-meta': 'silent' },
      sourcemap: true,
      logLevel: 'warning',
    }),
  // The threads that walk runs of a large ledger (app/ledger/ledger-walkers.ts): a file of their own
  // beside main.cjs, unpacked from the asar, so better-sqlite3's JavaScript is bundled into it (it
  // cannot reach the archive's node_modules) and its addon comes by path from main.
  parts.has('main') &&
    bundle({
      // And the thread the desktop verifies its ledger on (app/ledger/verify-on-thread.ts), the same way.
      entryPoints: { 'ledger-walk-worker': `${root}/app/ledger/ledger-walk-worker.ts`, 'ledger-verify-worker': `${root}/app/ledger/ledger-verify-worker.ts` },
      outdir: `${out}/main`,
      outExtension: { '.js': '.cjs' },
      dropLabels: ['SOURCES'],
      // In CommonJS, thread-script.ts finds its folder through __filename, never import.meta.
      logOverride: { 'empty-import-meta': 'silent' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['bindings'],
      logLevel: 'warning',
    }),
  parts.has('preload') &&
    bundle({
      // Sandboxed preloads must be a single CommonJS file that requires only 'electron'.
      entryPoints: [`${root}/electron/preload/preload.ts`],
      outfile: `${out}/preload/preload.cjs`,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron'],
      logLevel: 'warning',
    }),
  parts.has('renderer') && viteBuild({ configFile: `${root}/renderer/vite.config.ts`, logLevel: 'warn', build: { outDir: `${out}/renderer` } }),
]);
console.log(`built ${[...parts].map((part) => `${out}/${part}`).join(', ')}`);
