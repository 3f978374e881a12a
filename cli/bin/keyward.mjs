#!/usr/bin/env node
// Runs the TypeScript CLI in place through tsx, so the repository needs no build step for it.
import { register } from 'tsx/esm/api';
import { homedir, userInfo } from 'node:os';

register();
const { runCli } = await import('../main.ts');
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
});
process.exitCode = code;
