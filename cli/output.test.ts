import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { tamper } from '../test/support/tamper';
import { runCli } from './main';

const dir = temporaryDirectory('keyward-cli-output-');
afterAll(() => dir.remove());

let work: string;
let counter = 0;
beforeEach(() => {
  counter += 1;
  work = join(dir.path, `case-${counter}`);
  mkdirSync(work);
});

async function keyward(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    ['--db', join(work, 'keyward.db'), ...args],
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, platform: 'linux', home: dir.path, username: 'tester' },
    steppingClock(),
  );
  return { code, stdout, stderr, json: <T = unknown>() => JSON.parse(stdout) as T };
}

async function seed() {
  expect((await keyward('init')).code).toBe(0);
  expect((await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', '--label', 'Break glass 1')).code).toBe(0);
  expect((await keyward('account', 'add', '--upn', 'bg3@contoso.onmicrosoft.com', '--object-id', '6fa459ea-ee8a-3ca4-894e-db77e160355e', '--label', 'Break glass 3')).code).toBe(0);
}

/** What is in a folder besides the database and its companions (keyward.db, keyward.db-wal, …). */
const outputsIn = (folder: string) => readdirSync(folder).filter((name) => !name.startsWith('keyward.')).sort();

const REPORT = ['report', '--from', '2026-11-01', '--to', '2026-11-30'];

describe('keyward --out', () => {
  it.each([
    ['ledger export', ['ledger', 'export']],
    ['report', REPORT],
  ])('%s to a folder that does not exist: exit 1, invalid_input naming the path, nothing written', async (_name, command) => {
    await seed();
    const out = join(work, 'missing', 'file');
    const result = await keyward('--json', ...command, '--out', out);
    expect(result.code).toBe(1);
    expect(result.json()).toEqual({ ok: false, error: { code: 'invalid_input', field: 'out', message: `cannot write ${out}: the folder ${join(work, 'missing')} does not exist` } });
    expect(outputsIn(work)).toEqual([]);
  });

  it.each([
    ['ledger export', ['ledger', 'export']],
    ['report', REPORT],
  ])('%s to a path that is a folder: exit 1, invalid_input naming the path, nothing written', async (_name, command) => {
    await seed();
    const out = join(work, 'exports');
    mkdirSync(out);
    const result = await keyward(...command, '--out', out);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `keyward: out: cannot write ${out}: it is a folder; give the path of a file\n` });
    expect(readdirSync(out)).toEqual([]);
  });

  it('report checks --out before it verifies the ledger', async () => {
    await seed();
    tamper(join(work, 'keyward.db'), (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'Break glass 3', 'Break glass 9') WHERE seq = 3").run());
    expect((await keyward(...REPORT, '--out', join(work, 'r.pdf'))).code).toBe(2);
    const result = await keyward(...REPORT, '--out', join(work, 'missing', 'r.pdf'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keyward: out: cannot write .*missing\/r\.pdf: the folder .* does not exist/);
  });
});

describe('keyward ledger verify --file', () => {
  async function exported(): Promise<string[]> {
    await seed();
    expect((await keyward('ledger', 'export', '--out', join(work, 'ledger.jsonl'))).code).toBe(0);
    expect(outputsIn(work)).toEqual(['ledger.jsonl']);
    return readFileSync(join(work, 'ledger.jsonl'), 'utf8').split('\n');
  }

  it('exits 2 on a smuggled duplicate key, naming the line', async () => {
    const lines = await exported();
    lines[2] = lines[2]!.replace('"label":"Break glass 3"', '"label":"SMUGGLED","label":"Break glass 3"');
    writeFileSync(join(work, 'ledger.jsonl'), lines.join('\n'));
    const result = await keyward('ledger', 'verify', '--file', join(work, 'ledger.jsonl'));
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^LEDGER VERIFICATION FAILED at entry 3 \(malformed\)\nline 3 is not a ledger entry: duplicate key "label" in \$\.payload\n/);
  });

  it('exits 2 on a non-canonical line, naming the line', async () => {
    const lines = await exported();
    lines[1] = lines[1]!.replace('"seq":2', '"seq":2.0');
    writeFileSync(join(work, 'ledger.jsonl'), lines.join('\n'));
    const result = await keyward('--json', 'ledger', 'verify', '--file', join(work, 'ledger.jsonl'));
    expect(result.code).toBe(2);
    expect(result.json()).toMatchObject({ ok: false, entries: 1, firstBadSeq: 2, reason: 'malformed', message: expect.stringMatching(/^line 2 is not a ledger entry: not in canonical form at column \d+: written .*2\.0/) });
  });

  it('exits 2 on an empty file, naming line 1', async () => {
    writeFileSync(join(work, 'empty.jsonl'), '');
    const result = await keyward('--json', 'ledger', 'verify', '--file', join(work, 'empty.jsonl'));
    expect(result.code).toBe(2);
    expect(result.json()).toMatchObject({ ok: false, entries: 0, firstBadSeq: 1, reason: 'malformed', message: expect.stringMatching(/^line 1 is not a ledger entry: the file is empty/) });
  });
});
