import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test/support/session';
import { killAfter } from '../test/support/children';

// A stand-in repository: the real bin, with a bundle and sources that each say which one ran.
const dir = temporaryDirectory('keyward-bin-');
afterAll(() => dir.remove());
const root = dir.path;
const bundle = join(root, 'dist', 'cli', 'keyward.mjs');
const source = join(root, 'app', 'inventory', 'status.ts');
const runCliSaying = (who: string) => `export async function runCli(argv, io) { io.stdout('${who} ' + argv.join(' ') + '\\n'); return 0; }\n`;
const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  for (const folder of ['cli/bin', 'dist/cli', 'app/inventory', 'core', 'db', 'native']) mkdirSync(join(root, folder), { recursive: true });
  copyFileSync(new URL('./bin/keyward.mjs', import.meta.url), join(root, 'cli', 'bin', 'keyward.mjs'));
  symlinkSync(join(import.meta.dirname, '..', 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'cli', 'main.ts'), runCliSaying('sources'));
  writeFileSync(source, 'export {};\n');
  writeFileSync(bundle, runCliSaying('bundle'));
  for (const path of [join(root, 'cli', 'main.ts'), source]) at(path, 1_000_000);
  at(bundle, 2_000_000);
});

const keyward = (...args: string[]) => promisify(execFile)(process.execPath, [join(root, 'cli', 'bin', 'keyward.mjs'), ...args], killAfter(25_000));

describe('the keyward bin', () => {
  it('runs the bundle when it is newer than every source', async () => {
    expect((await keyward('status')).stdout).toBe('bundle status\n');
  });

  it('runs the sources through tsx when one of them changed after the build', async () => {
    at(source, 3_000_000);
    expect((await keyward('status')).stdout).toBe('sources status\n');
  });

  it('ignores changed tests, which are not in the bundle', async () => {
    writeFileSync(join(root, 'app', 'inventory', 'status.test.ts'), '');
    at(join(root, 'app', 'inventory', 'status.test.ts'), 3_000_000);
    expect((await keyward('status')).stdout).toBe('bundle status\n');
  });

  it('runs the sources when there is no bundle', async () => {
    rmSync(bundle);
    expect((await keyward('--help')).stdout).toBe('sources --help\n');
  });

  it('outside the repository runs the bundle whatever its age, and says so when it is missing', async () => {
    rmSync(join(root, 'cli', 'main.ts'));
    at(bundle, 1);
    expect((await keyward('status')).stdout).toBe('bundle status\n');
    rmSync(bundle);
    await expect(keyward('status')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('lacks its bundle') });
  });
});
