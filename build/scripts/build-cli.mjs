// Builds what the `keyward` bin runs: cli/main.ts bundled by esbuild for Node 20 into dist/cli/.
// Code splitting keeps each command's code (and the libraries it alone needs: pdfkit, qrcode,
// @simplewebauthn/server) in chunks loaded by dynamic import() when that command runs, so
// `keyward --help` and `keyward status` start without them. Packages stay external: native
// modules (better-sqlite3, node-hid, pcsclite) cannot be bundled, and libraries that find their
// own data files (pdfkit's colour profiles, the DejaVu fonts) keep finding them in node_modules.
// Run by `prepare` (so `npm ci` and `npm pack` make it) and by `npm run build`.
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

const OUT_DIR = join(root, 'dist', 'cli');

/** esbuild's options for the CLI bundle; tests read its metafile to see what each chunk loads. */
export const cliBuildOptions = (outdir = OUT_DIR) => ({
  absWorkingDir: root,
  // The threads that walk runs of a large ledger load their own entry (app/ledger/ledger-walkers.ts finds it beside the bundle).
  entryPoints: { keyward: join(root, 'cli', 'main.ts'), 'ledger-walk-worker': join(root, 'app', 'ledger', 'ledger-walk-worker.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // Code that runs only beside the sources (app/ledger/ledger-walkers.ts) is left out.
  dropLabels: ['SOURCES'],
  // A real require in every chunk: without it esbuild's stand-in throws "Dynamic require ... is
  // not supported", yet looks like one to code that tests `typeof require` to pick between
  // require and createRequire (the pcsclite binding, the DejaVu fonts of the report).
  banner: { js: "import { createRequire as __keywardCreateRequire } from 'node:module';\nconst require = __keywardCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

/**
 * Builds beside dist/cli and then swaps the new build in, so a keyward started meanwhile (a test
 * that spawns the bin while `npm pack` runs `prepare`) finds the old build or the new one whole,
 * and never stale chunks mixed in from an earlier build.
 */
export async function buildCli() {
  const started = new Date();
  const fresh = `${OUT_DIR}.${process.pid}.new`;
  const old = `${OUT_DIR}.${process.pid}.old`;
  rmSync(fresh, { recursive: true, force: true });
  await build(cliBuildOptions(fresh));
  // A source saved while the build ran is then newer than the bundle, and the bin in the
  // repository runs the sources instead of a bundle that lacks the change.
  utimesSync(join(fresh, 'keyward.mjs'), started, started);
  if (existsSync(OUT_DIR)) renameSync(OUT_DIR, old);
  renameSync(fresh, OUT_DIR);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildCli();
  console.log('built dist/cli');
}
