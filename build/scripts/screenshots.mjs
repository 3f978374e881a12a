// Regenerates the README's screenshots (docs/screenshots/) from the Chromium suite: builds the
// renderer, then runs test/e2e/screenshots.test.ts with its pictures going to docs/screenshots.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (args, env = {}) => {
  const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
run(['vitest', 'run', 'test/e2e/screenshots.test.ts'], { KEYWARD_SCREENSHOT_DIR: 'docs/screenshots' });
