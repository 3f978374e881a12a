// Builds what Electron loads: main and preload as CommonJS bundles, the renderer with Vite.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

await Promise.all([
  build({
    entryPoints: [`${root}/electron/main/main.ts`],
    outfile: `${root}/dist/main/main.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Our code is bundled; packages stay in node_modules (they ship with the app), so libraries
    // that find their own data files (pdfkit's colour profiles, fonts) keep working.
    packages: 'external',
    external: ['electron'],
    logOverride: { 'empty-import-meta': 'silent' },
    sourcemap: true,
    logLevel: 'warning',
  }),
  build({
    // Sandboxed preloads must be a single CommonJS file that requires only 'electron'.
    entryPoints: [`${root}/electron/preload/preload.ts`],
    outfile: `${root}/dist/preload/preload.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
  }),
  viteBuild({ configFile: `${root}/renderer/vite.config.ts`, logLevel: 'warn' }),
]);
console.log('built dist/main, dist/preload, dist/renderer');
