// `npm run package` (add `-- --linux`, `-- --win` or `-- --mac` for one platform): builds main, preload
// and renderer, then packages them with electron-builder and build/electron-builder.config.mjs into
// out/package. It needs the network: electron-builder downloads Electron itself, and its rebuild step
// fetches Electron's headers (or better-sqlite3's prebuilt addon) to compile the native modules for
// Electron's ABI. That rebuild happens in node_modules, so afterwards the modules are rebuilt for
// Node again, for the CLI and the tests (npm start keeps its own Electron copies in dist/native).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', cwd: root }).status ?? 1;
const npm = (args) => (process.env.npm_execpath ? run(process.execPath, [process.env.npm_execpath, ...args]) : run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args));

let status = run(process.execPath, ['build/scripts/build.mjs']);
if (status === 0) {
  status = run(process.execPath, [require.resolve('electron-builder/cli.js'), '--config', 'build/electron-builder.config.mjs', ...process.argv.slice(2)]);
  console.log('keyward: rebuilding the native modules in node_modules for Node again');
  const restored = npm(['rebuild', 'better-sqlite3', 'pcsclite', 'node-hid']);
  if (restored !== 0) console.error('keyward: could not rebuild the native modules for Node; run "npm rebuild" before using the CLI or the tests');
  status ||= restored;
}
process.exit(status);
