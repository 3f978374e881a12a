import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { runCli } from './main';
import { withProgress } from './progress';

const dir = temporaryDirectory('keyward-progress-');
afterAll(() => dir.remove());

async function keyward(stderrIsTerminal: boolean, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), env: {}, platform: 'linux' as const, home: dir.path, username: 'tester', stderrIsTerminal };
  const code = await runCli(['--db', join(dir.path, 'progress.db'), ...args], io, steppingClock());
  return { code, stdout, stderr };
}

describe('progress of long work', () => {
  it('is drawn on a terminal, redrawn in place, and cleared at the end, however the work ends', () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => (stderr += t), env: {}, platform: 'linux' as const, home: dir.path, username: 'tester', stderrIsTerminal: true };
    expect(withProgress(io, 'counting', 'entries', (report) => [1, 2000, 3000].map((n) => report(n, 3000)).length)).toBe(3);
    // The first step and the last are drawn; the one between falls inside the redraw interval.
    expect(stderr).toBe('\rcounting: 0% (1 of 3,000)\x1b[K\rcounting: 100% (3,000 of 3,000)\x1b[K\r\x1b[K');
    stderr = '';
    expect(() => withProgress(io, 'failing', 'bytes', (report) => (report(5e6, 1e7), (() => { throw new Error('stop'); })()))).toThrow('stop');
    expect(stderr).toBe('\rfailing: 50% (5.0 MB of 10.0 MB)\x1b[K\r\x1b[K');
  });

  it('ledger verify shows it on a terminal and writes nothing to a pipe; the result is the same', async () => {
    expect((await keyward(false, 'init')).code).toBe(0);
    const piped = await keyward(false, 'ledger', 'verify');
    expect(piped).toMatchObject({ code: 0, stderr: '' });
    const terminal = await keyward(true, 'ledger', 'verify');
    expect(terminal.stdout).toBe(piped.stdout);
    expect(terminal.stderr).toBe('\rverifying the ledger: 100% (1 of 1)\x1b[K\r\x1b[K');
  });

  it('signins import shows how much of the file is read, only on a terminal', async () => {
    const file = join(dir.path, 'signins.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'a', createdDateTime: '2026-11-20T10:00:00Z', userId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', userPrincipalName: 'bg1@contoso.onmicrosoft.com', appDisplayName: 'Azure Portal', ipAddress: '198.51.100.7', status: { errorCode: 0 } })}\n`);
    expect((await keyward(false, 'init')).code).toBe(0);
    const terminal = await keyward(true, 'signins', 'import', file);
    expect(terminal.code, terminal.stderr).toBe(0);
    expect(terminal.stderr).toBe(`\rimporting ${file}: 100% (0.0 MB of 0.0 MB)\x1b[K\r\x1b[K`);
    const again = await keyward(false, 'signins', 'import', file);
    expect(again).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining('was imported before') });
  });
});
