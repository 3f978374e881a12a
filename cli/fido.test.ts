import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { runCli } from './main';

const dir = temporaryDirectory('keyward-cli-fido-');
afterAll(() => dir.remove());

function cli(dbPath: string) {
  return async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['--db', dbPath, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, platform: 'linux', home: dir.path, username: 'tester' }, steppingClock());
    return { code, stdout, stderr };
  };
}

describe('keyward key enroll and keyward check with drill keys', () => {
  it('enrols, checks with progress, and exits 2 once a key shows an anomaly', async () => {
    const path = join(dir.path, 'drill.db');
    const keyward = cli(path);
    await keyward('init');
    expect(await keyward('key', 'enroll', '--label', 'YK-01', '--simulated')).toMatchObject({ code: 0, stdout: expect.stringContaining('enrolled drill key "YK-01"') });
    expect((await keyward('key', 'enroll', '--label', 'YK-02', '--simulated')).code).toBe(0);

    const ok = await keyward('check', '--simulated');
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('1 of 2 — opening the drill key YK-01');
    expect(ok.stderr).toContain('2 of 2 — YK-02: OK');
    expect(ok.stdout).toContain('all 2 item(s) present and unchanged.');

    // Someone guessed at YK-02's PIN between checks. Its software key lives in the drill store, a file of its own.
    const custody = new Database(path, { readonly: true });
    const id = custody.prepare("SELECT id FROM authenticators WHERE label = 'YK-02'").pluck().get() as number;
    expect(custody.prepare("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'drill%'").pluck().get()).toBe(0);
    custody.close();
    const db = new Database(path.replace(/\.db$/, '.drill.db'));
    expect(db.pragma('application_id', { simple: true })).toBe(0x4b574452);
    const state = JSON.parse(db.prepare('SELECT state FROM drill_keys WHERE authenticator_id = ?').pluck().get(id) as string);
    state.pinRetries = 6;
    db.prepare('UPDATE drill_keys SET state = ? WHERE authenticator_id = ?').run(JSON.stringify(state), id);
    db.close();

    const flagged = await keyward('--json', 'check', '--simulated');
    expect(flagged.code).toBe(2);
    const report = JSON.parse(flagged.stdout);
    expect(report.ok).toBe(false);
    expect(report.results.map((r: { label: string; result: string }) => [r.label, r.result])).toEqual([
      ['YK-01', 'ok'],
      ['YK-02', 'anomaly'],
    ]);
    expect(report.results[1].findings).toEqual([{ code: 'pin_retries_dropped', before: 8, after: 6, text: 'PIN retries dropped from 8 to 6: someone tried wrong PINs since the last check' }]);

    const one = await keyward('check', '--simulated', '--key', 'YK-01');
    expect(one.code).toBe(0);
    expect((await keyward('ledger', 'verify')).code).toBe(0);
  });

  it('refuses bad enrolment input with exit 1 and nothing written', async () => {
    const keyward = cli(join(dir.path, 'bad.db'));
    await keyward('init');
    expect(await keyward('key', 'enroll', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('--label is required') });
    expect(await keyward('key', 'enroll', '--label', 'K', '--place', 'Nowhere', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('no storage place named "Nowhere"') });
    expect(await keyward('check', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('no enrolled drill key or drill card') });
    expect(JSON.parse((await keyward('--json', 'status')).stdout).ledger.entries).toBe(1);
  });
});
