#!/usr/bin/env node
// The `keyward` command. It runs the bundle in dist/cli/ (made by `prepare`, so by `npm ci` and
// `npm pack`, and by `npm run build`), which starts at once. Inside the repository, while that
// bundle is missing or older than a source it was built from, it runs the TypeScript in place
// through tsx instead, so an edit takes effect without a build (only slower to start).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bundle = join(root, 'dist', 'cli', 'keyward.mjs');
/** The folders the bundle is built from (see build/scripts/build-cli.mjs). */
const SOURCE_DIRS = ['cli', 'app', 'core', 'db', 'native'];

const modifiedAt = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** Whether a source file (tests aside: they are not in the bundle) changed after `time`. */
function sourceNewerThan(time) {
  const pending = SOURCE_DIRS.map((dir) => join(root, dir));
  while (pending.length > 0) {
    const dir = pending.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && (modifiedAt(path) ?? 0) > time) return true;
    }
  }
  return false;
}

async function loadCli() {
  const builtAt = modifiedAt(bundle);
  const inRepository = existsSync(join(root, 'cli', 'main.ts'));
  if (builtAt !== undefined && !(inRepository && sourceNewerThan(builtAt))) return import(pathToFileURL(bundle).href);
  if (!inRepository) {
    process.stderr.write(`keyward: this installation lacks its bundle (${bundle}); reinstall keyward\n`);
    process.exit(1);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../main.ts');
}

const { runCli } = await loadCli();
const username = (() => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
})();
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  platform: process.platform,
  home: homedir(),
  username,
  stderrIsTerminal: process.stderr.isTTY === true,
});
process.exitCode = code;
