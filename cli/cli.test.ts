import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { killAfter } from '../test/support/children';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { tamper } from '../test/support/tamper';
import { runCli } from './main';

const dir = temporaryDirectory('keyward-cli-');
afterAll(() => dir.remove());

let dbPath: string;
let counter = 0;
beforeEach(() => {
  counter += 1;
  dbPath = join(dir.path, `cli-${counter}.db`);
});

async function keyward(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    ['--db', dbPath, ...args],
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, platform: 'linux', home: dir.path, username: 'tester' },
    steppingClock(),
  );
  return { code, stdout, stderr, json: <T = unknown>() => JSON.parse(stdout) as T };
}

const UPN = 'bg1@contoso.onmicrosoft.com';
const OID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

async function seed() {
  expect((await keyward('init')).code).toBe(0);
  expect((await keyward('account', 'add', '--upn', UPN, '--object-id', OID, '--label', 'Break glass 1')).code).toBe(0);
  expect((await keyward('place', 'add', '--name', 'HQ safe A', '--site', 'HQ')).code).toBe(0);
  expect((await keyward('key', 'add', '--kind', 'fido2', '--label', 'YK-01', '--place', 'HQ safe A', '--account', UPN)).code).toBe(0);
  expect((await keyward('custodian', 'add', '--name', 'Alice Example')).code).toBe(0);
  expect((await keyward('seal', 'add', '--serial', 'TB-1')).code).toBe(0);
}

describe('keyward CLI', () => {
  it('initialises once and says so the second time', async () => {
    expect(await keyward('init')).toMatchObject({ code: 0, stdout: expect.stringContaining('created') });
    expect(await keyward('init')).toMatchObject({ code: 0, stdout: expect.stringContaining('already initialised') });
    expect((await keyward('--json', 'status')).json()).toMatchObject({ ledger: { entries: 1 } });
  });

  it('adds and lists the inventory, in text and in JSON', async () => {
    await seed();
    expect((await keyward('key', 'list')).stdout).toMatch(/YK-01\s+fido2\s+in_safe\s+HQ safe A\s+bg1@contoso.onmicrosoft.com/);
    expect((await keyward('account', 'list', '--json')).json()).toEqual([expect.objectContaining({ upn: UPN, objectId: OID, label: 'Break glass 1' })]);
    expect((await keyward('place', 'list', '--json')).json()).toEqual([expect.objectContaining({ name: 'HQ safe A', site: 'HQ' })]);
    expect((await keyward('custodian', 'list', '--json')).json()).toEqual([expect.objectContaining({ name: 'Alice Example', active: true })]);
    expect((await keyward('seal', 'list', '--json')).json()).toEqual([expect.objectContaining({ serial: 'TB-1', state: 'unused' })]);
    expect((await keyward('key', 'list', '--json')).json()).toEqual([expect.objectContaining({ label: 'YK-01', state: 'in_safe', placeName: 'HQ safe A' })]);
    const status = (await keyward('status', '--json')).json();
    expect(status).toMatchObject({ accounts: 1, activeCustodians: 1, authenticators: { total: 1, byState: { in_safe: 1 } }, ledger: { entries: 6 } });
    const shown = (await keyward('ledger', 'show', '--limit', '2', '--json')).json<{ seq: number }[]>();
    expect(shown.map((e) => e.seq)).toEqual([6, 5]);
  });

  it('verifies the ledger, in JSON with ok, entries and headHash', async () => {
    await seed();
    const result = await keyward('ledger', 'verify', '--json');
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ ok: true, entries: 6, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('exits 2 and names the first bad entry of a tampered ledger', async () => {
    await seed();
    tamper(dbPath, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'HQ', 'XQ') WHERE seq = 3").run());
    const result = await keyward('ledger', 'verify', '--json');
    expect(result.code).toBe(2);
    expect(result.json()).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'content_changed' });
    const human = await keyward('ledger', 'verify');
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/LEDGER VERIFICATION FAILED at entry 3 \(content_changed\)/);
  });

  it('on a tampered ledger, status exits 2 naming verification, and report writes nothing unless told to, then says so on every page', async () => {
    await seed();
    tamper(dbPath, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'HQ', 'XQ') WHERE seq = 3").run());
    const status = await keyward('status');
    expect(status.code).toBe(2);
    expect(status.stdout).toMatch(/verification: +LEDGER DID NOT VERIFY: .*entry 3/);
    expect(status.stdout).toMatch(/CRITICAL +The ledger does not verify at entry 3/);
    const out = join(dir.path, `tampered-${counter}.pdf`);
    const refused = await keyward('report', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/LEDGER DID NOT VERIFY: the ledger does not verify \(entry 3/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir.path).filter((name) => name.startsWith(`tampered-${counter}.pdf`))).toEqual([]);
    const made = await keyward('report', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--despite-failed-verification');
    expect(made.code).toBe(0);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8', ...killAfter(20_000) }))![1]);
    expect(pages).toBeGreaterThan(1);
    for (let page = 1; page <= pages; page += 1) {
      expect(execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), out, '-'], { encoding: 'utf8', ...killAfter(20_000) })).toMatch(/LEDGER DID NOT VERIFY: entry 3, content changed — do not rely on this report/);
    }
  });

  it('exits 2 when the expected head is gone and 0 when it is there', async () => {
    await seed();
    const head = (await keyward('status', '--json')).json<{ ledger: { headHash: string } }>().ledger.headHash;
    expect((await keyward('ledger', 'verify', '--expect-head', head)).code).toBe(0);
    tamper(dbPath, (db) => db.prepare('DELETE FROM ledger_entries WHERE seq = 6').run());
    const result = await keyward('ledger', 'verify', '--expect-head', head, '--json');
    expect(result.code).toBe(2);
    expect(result.json()).toMatchObject({ ok: false, reason: 'head_mismatch', firstBadSeq: 6 });
  });

  it('exports JSON Lines that verify standalone', async () => {
    await seed();
    const out = join(dir.path, `export-${counter}.jsonl`);
    const exported = await keyward('ledger', 'export', '--out', out, '--json');
    expect(exported.json()).toMatchObject({ entries: 6, out });
    const verified = await keyward('ledger', 'verify', '--file', out, '--json');
    expect(verified.code).toBe(0);
    expect(verified.json()).toMatchObject({ ok: true, entries: 6, headHash: exported.json<{ headHash: string }>().headHash });
  });

  describe('refuses bad usage and bad input with exit 1, a specific message, and nothing written', () => {
    it.each([
      [['account', 'add', '--upn', UPN], /--object-id is required/],
      [['account', 'add', '--upn', 'nobody', '--object-id', OID], /upn: "nobody" is not a valid user principal name/],
      [['account', 'add', '--upn', UPN, '--object-id', 'zzz'], /objectId: "zzz" is not an Entra object id/],
      [['account', 'add', '--upn', UPN, '--object-id', OID, '--colour', 'red'], /Unknown option '--colour'/],
      [['account', 'add', '--upn'], /Option '--upn <value>' argument missing/],
      [['key', 'add', '--kind', 'usb', '--label', 'K'], /kind: kind must be one of fido2, smartcard/],
      [['key', 'add', '--kind', 'fido2', '--label', 'K', '--place', 'Nowhere'], /place: no storage place named "Nowhere"/],
      [['key', 'list', 'extra'], /unexpected argument "extra"/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['ledger', 'verify', '--expect-head', 'nothex'], /64 hexadecimal characters/],
      [['ledger', 'show', '--limit', 'many'], /limit must be a whole number/],
      [['seal', 'add', '--serial', 'A B'], /not a seal serial/],
    ])('keyward %j', async (args, message) => {
      await keyward('init');
      const before = (await keyward('status', '--json')).json<{ ledger: unknown }>().ledger;
      const result = await keyward(...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect((await keyward('status', '--json')).json<{ ledger: unknown }>().ledger).toEqual(before);
    });

    it('reports errors as JSON with --json', async () => {
      await keyward('init');
      const result = await keyward('--json', 'account', 'add', '--upn', 'nobody', '--object-id', OID);
      expect(result.code).toBe(1);
      expect(result.json()).toEqual({ ok: false, error: { code: 'invalid_input', field: 'upn', message: expect.stringContaining('not a valid user principal name') } });
    });

    it('does not create a database for anything but init', async () => {
      const result = await keyward('account', 'list');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no Keyward database at .*run "keyward init" first/);
    });
  });

  it('prints help for every command and the overview', async () => {
    const overview = await keyward('--help');
    expect(overview.code).toBe(0);
    expect(overview.stdout).toMatch(/commands:[\s\S]*ledger verify[\s\S]*key add/);
    for (const args of [['init'], ['status'], ['account', 'add'], ['account', 'list'], ['place', 'add'], ['key', 'add'], ['key', 'list'], ['custodian', 'add'], ['seal', 'add'], ['ledger', 'verify'], ['ledger', 'export'], ['ledger', 'show']]) {
      const help = await keyward(...args, '--help');
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout).toContain(`usage: keyward [--db PATH] [--json] ${args.join(' ')}`);
    }
    expect((await keyward('key', '--help')).stdout).toMatch(/key add[\s\S]*key list/);
  });
});

describe('the installed bin', () => {
  it('runs as npx keyward would, with KEYWARD_DB and exit codes', async () => {
    const run = promisify(execFile);
    const bin = new URL('./bin/keyward.mjs', import.meta.url).pathname;
    const env = { ...process.env, KEYWARD_DB: join(dir.path, 'bin.db') };
    const init = await run(process.execPath, [bin, 'init', '--json'], { env, ...killAfter(25_000) });
    expect(JSON.parse(init.stdout)).toMatchObject({ created: true, path: env.KEYWARD_DB });
    await expect(run(process.execPath, [bin, 'account', 'add', '--upn', 'x'], { env, ...killAfter(25_000) })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--object-id is required') });
  });
});
