import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What a worker thread is started from: a built file, or source to evaluate. */
export interface ThreadScript {
  readonly source: string | URL;
  readonly eval: boolean;
}

/**
 * The code of one of the ledger's threads (`name`: ledger-walk-worker, ledger-verify-worker),
 * beside this module's: built as NAME.mjs beside the command line's bundle (or its chunks'
 * folder), as NAME.cjs beside the desktop's main bundle (unpacked from the app's archive, where
 * threads cannot load from), or in a checkout the TypeScript source, run through tsx's loader.
 * Undefined when none is there: the caller then does the work on its own thread.
 */
export function threadScript(name: string): ThreadScript | undefined {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const dir = dirname(here).replace(/app\.asar(?=[\\/]|$)/, 'app.asar.unpacked');
  for (const built of [join(dir, `${name}.cjs`), join(dir, `${name}.mjs`), join(dir, '..', `${name}.mjs`)]) {
    if (existsSync(built)) return { source: pathToFileURL(built), eval: false };
  }
  // Dropped from the bundles (esbuild's dropLabels, build/scripts), which never run beside the sources and do not ship tsx.
  SOURCES: {
    const ts = join(dir, `${name}.ts`);
    if (!existsSync(ts)) break SOURCES;
    try {
      const loader = createRequire(here).resolve('tsx/cjs/api');
      return { source: `require(${JSON.stringify(loader)}).register(); require(${JSON.stringify(ts)});`, eval: true };
    } catch {
      break SOURCES;
    }
  }
  return undefined;
}
