// `npm start`: build, make sure the native modules are compiled for Electron's ABI, then open the app.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

let electronBinary;
try {
  electronBinary = require('electron');
} catch {
  electronBinary = undefined;
}
if (!electronBinary || !existsSync(electronBinary)) {
  console.error('keyward: the Electron binary is not installed (was ELECTRON_SKIP_BINARY_DOWNLOAD set?). Run "npm ci" with network access to fetch it; the CLI works without it: npx keyward --help');
  process.exit(1);
}

run(process.execPath, ['build/scripts/build.mjs']);

// The native modules in node_modules are built for Node (CLI and tests); Electron gets its own
// copies, compiled once per Electron version. node-hid uses N-API and needs no second build.
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const native = `${root}/dist/native`;

/** Copies a module without its build and compiles it against Electron's headers, into dist/native/<name>. */
function compileForElectron(name) {
  const work = `${native}/${name}`;
  const stamp = `${work}/electron-${electronVersion}`;
  if (existsSync(stamp)) return;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const source = `${root}/node_modules/${name}`;
  cpSync(source, work, { recursive: true, filter: (src) => !src.startsWith(`${source}/build`) });
  console.log(`keyward: compiling ${name} for Electron ${electronVersion} (once)`);
  run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work });
  cpSync(`${work}/package.json`, stamp);
}

// Main finds these copies itself (electron/main/native-modules.ts); no path goes through the environment.
compileForElectron('better-sqlite3');
compileForElectron('pcsclite');

// Arguments after `npm start --` reach the app, e.g. `npm start -- --auditor FILE` for Auditor mode.
run(electronBinary, ['.', ...process.argv.slice(2)]);
