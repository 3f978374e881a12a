import { createHash } from 'node:crypto';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { keywardAt } from '../support/cli';
import { temporaryDirectory } from '../support/session';
import { tamper } from '../support/tamper';

const dir = temporaryDirectory('keyward-foreign-');
afterAll(() => dir.remove());
let n = 0;
const fresh = () => join(dir.path, `file-${(n += 1)}.db`);
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Runs a command against a file that is not a Keyward database: refused, exit 1, the file exactly as it was. */
async function expectRefusedUntouched(path: string, message: RegExp, ...command: string[]) {
  const before = digest(path);
  const result = await keywardAt(path, dir.path)(...command);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(digest(path)).toBe(before);
}

describe('Keyward opens only its own files', () => {
  it.each([['ledger', 'verify'], ['status'], ['init']])('refuses an empty file for "%s", leaving it empty', async (...command) => {
    const path = fresh();
    writeFileSync(path, '');
    await expectRefusedUntouched(path, /is an empty file, not a Keyward database/, ...command);
    expect(statSync(path).size).toBe(0);
  });

  it('refuses a zero-filled file', async () => {
    const path = fresh();
    writeFileSync(path, Buffer.alloc(65_536));
    await expectRefusedUntouched(path, /is not a Keyward database: file is not a database/, 'ledger', 'verify');
  });

  it('refuses an SQLite file with another application\'s id and no tables, for init too', async () => {
    const path = fresh();
    const foreign = new Database(path);
    foreign.pragma('application_id = 1234');
    foreign.pragma('user_version = 0');
    foreign.close();
    await expectRefusedUntouched(path, /another application/, 'ledger', 'verify');
    await expectRefusedUntouched(path, /another application/, 'init');
  });

  it('refuses an SQLite file without Keyward\'s schema', async () => {
    const path = fresh();
    const plain = new Database(path);
    plain.exec('CREATE TABLE t (x); DROP TABLE t;');
    plain.close();
    await expectRefusedUntouched(path, /without Keyward's schema/, 'status');
  });

  it('creates a database only with init, only at a path with no file', async () => {
    const path = fresh();
    expect(await keywardAt(path, dir.path)('status')).toMatchObject({ code: 1, stderr: expect.stringMatching(/no Keyward database at .*run "keyward init" first/) });
    expect((await keywardAt(path, dir.path)('init')).code).toBe(0);
    expect((await keywardAt(path, dir.path)('ledger', 'verify')).code).toBe(0);
  });

  it('finds a dropped and recreated ledger table: an empty ledger does not verify', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    await keyward('seal', 'add', '--serial', 'S-1');
    tamper(path, (db) => {
      const schema = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'ledger_entries'").pluck().get() as string;
      db.exec('DROP TABLE ledger_entries');
      db.exec(schema);
    });
    const verify = await keyward('ledger', 'verify');
    expect(verify.code).toBe(2);
    expect(verify.stdout).toMatch(/the ledger is empty/);
    expect((await keyward('status')).code).toBe(2);
  });

  it('says a file with a damaged index page is damaged, with what SQLite found, instead of "ledger OK"', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    for (let i = 0; i < 300; i += 1) await keyward('seal', 'add', '--serial', `S-${i}`);
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const page = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'ledger_entries_by_kind'").pluck().get() as number;
    db.close();
    const bytes = readFileSync(path);
    // Random-looking bytes over the ledger's index on kind, past the page header.
    for (let i = 100; i < pageSize; i += 1) bytes[(page - 1) * pageSize + i] = (i * 131 + 7) & 0xff;
    writeFileSync(path, bytes);
    const verify = await keyward('ledger', 'verify');
    expect(verify.code).toBe(2);
    expect(verify.stdout).toMatch(/the database file is damaged: /);
  });

  it('names a truncated file as damaged, not as someone else\'s', async () => {
    const path = fresh();
    const keyward = keywardAt(path, dir.path);
    await keyward('init');
    for (let i = 0; i < 200; i += 1) await keyward('seal', 'add', '--serial', `T-${i}`);
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    db.close();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const result = await keyward('ledger', 'verify');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the database file is damaged: database disk image is malformed/);
  });
});
