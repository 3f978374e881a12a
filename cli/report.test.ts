import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { runCli } from './main';

const dir = temporaryDirectory('keyward-report-cli-');
afterAll(() => dir.remove());

async function keyward(stderrIsTerminal: boolean, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), env: {}, platform: 'linux' as const, home: dir.path, username: 'tester', stderrIsTerminal };
  const code = await runCli(['--db', join(dir.path, 'report.db'), ...args], io, steppingClock());
  return { code, stdout, stderr };
}

describe('keyward report', () => {
  it('shows its progress on a terminal (verifying, measuring, writing) and nothing on a pipe; the result is the same', async () => {
    expect((await keyward(false, 'init')).code).toBe(0);
    const period = ['--from', '2026-11-01', '--to', '2026-11-30'];
    const piped = await keyward(false, 'report', ...period, '--out', join(dir.path, 'piped.pdf'));
    expect(piped).toMatchObject({ code: 0, stderr: '' });
    const terminal = await keyward(true, 'report', ...period, '--out', join(dir.path, 'terminal.pdf'));
    expect(terminal.code, terminal.stderr).toBe(0);
    expect(terminal.stdout).toMatch(/^wrote report KW-\d{8}-[0-9A-F]{8} \(\d+ pages\)/);
    for (const step of ['verifying the ledger', 'measuring the report', 'writing the report']) expect(terminal.stderr).toMatch(new RegExp(`\\r${step}: 100% \\((\\d+) of \\1\\)\\x1b\\[K`));
    expect(terminal.stderr.endsWith('\r\x1b[K')).toBe(true);
  }, 90_000);
});
