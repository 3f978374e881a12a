import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { keywardAt } from '../support/cli';
import { temporaryDirectory } from '../support/session';

const dir = temporaryDirectory('keyward-busy-');
afterAll(() => dir.remove());
let n = 0;
const fresh = () => join(dir.path, `busy-${(n += 1)}.db`);
const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');

/** Another process holding the database's write lock for `ms`: resolves once the lock is held, and returns when it lets go. */
function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `const D = require(${JSON.stringify(sqlite)}); const db = new D(${JSON.stringify(path)}); db.exec('BEGIN IMMEDIATE'); console.log('held'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), ms + 10_000);
  const released = new Promise<void>((resolve) => child.on('exit', () => (clearTimeout(killer), resolve())));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => resolve({ released }));
    child.on('error', reject);
  });
}

describe('a busy database, and commands that only read', () => {
  it('waits with a message while another process writes, then records once it has finished', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    const { released } = await holdWriteLock(path, 1500);
    const result = await keyward('seal', 'add', '--serial', 'S-1');
    await released;
    expect(result.stderr).toContain('another Keyward process is writing to this database; waiting for it (up to 5 s)');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('registered seal S-1') });
  });

  it('gives a clear error after a bounded wait, and writes nothing', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    const { released } = await holdWriteLock(path, 6500);
    const result = await keyward('seal', 'add', '--serial', 'S-1');
    await released;
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('the database stayed busy for 5 s: another Keyward process (an import, a check) is writing to it; nothing was written here') });
    expect((await keyward('seal', 'list')).stdout).not.toContain('S-1');
  }, 30_000);

  it('opens the database read-only for commands that only read: nothing in the file changes, no drill store appears', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    await keyward('seal', 'add', '--serial', 'S-1');
    const checkpoint = new Database(path);
    checkpoint.pragma('wal_checkpoint(TRUNCATE)');
    checkpoint.close();
    const drill = path.replace(/\.db$/, '.drill.db');
    for (const file of [drill, `${drill}-wal`, `${drill}-shm`]) rmSync(file, { force: true });
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    for (const command of [['status'], ['ledger', 'verify'], ['ledger', 'show'], ['key', 'list'], ['seal', 'list'], ['findings', 'list'], ['posture'], ['validation', 'status']]) {
      expect((await keyward(...command)).code, command.join(' ')).not.toBe(1);
    }
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
    expect(existsSync(drill)).toBe(false);
  });

  it('asks for an upgrade before reading a database an older Keyward wrote', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    const db = new Database(path);
    db.pragma('user_version = 10');
    db.close();
    expect(await keyward('status')).toMatchObject({ code: 1, stderr: expect.stringContaining('was written by an older Keyward (schema 10): run "keyward init" once to upgrade it') });
  });
});
