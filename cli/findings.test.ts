import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/findings/finding';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-findings-');
afterAll(() => dir.remove());

describe('keyward findings', () => {
  it('lists a seal found not intact, refuses a resolution by one custodian, and resolves it with two drill-key touches', async () => {
    const keyward = keywardAt(join(dir.path, 'findings.db'), dir.path, steppingClock());
    await keyward('init');
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');
    await keyward('key', 'enroll', '--label', 'YK-01', '--simulated');
    await keyward('seal', 'add', '--serial', 'S-1');
    await keyward('seal', 'apply', '--item', 'YK-01', '--serial', 'S-1');
    expect((await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'drill', '--expected-return', '4h', '--broken-seal', 'S-1', '--seal-tampered', '--simulated')).code).toBe(0);

    const listed = await keyward('findings', 'list');
    expect(listed.stdout).toMatch(/notice +open .* Drill: YK-01: seal S-1 was not intact when broken +seal-not-intact:\d+/);
    const open = JSON.parse((await keyward('--json', 'findings', 'list')).stdout) as Finding[];
    const seal = open.find((f) => f.kind === 'seal-not-intact')!;
    expect(seal).toMatchObject({ severity: 'notice', drill: true, resolution: null });

    const same = await keyward('findings', 'resolve', '--id', seal.id, '--custodian', 'Alice Example', '--witness', 'Alice Example', '--reason', 'bag torn in transport', '--simulated');
    expect(same).toMatchObject({ code: 1, stderr: expect.stringContaining('two different custodians') });
    const tooMuch = await keyward('findings', 'resolve', '--id', seal.id, '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'x', '--accept-new-state', '--retire', '--simulated');
    expect(tooMuch).toMatchObject({ code: 1, stderr: expect.stringContaining('not both') });

    const resolved = await keyward('findings', 'resolve', '--id', seal.id, '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'bag torn in transport; CCTV reviewed', '--simulated');
    expect(resolved).toMatchObject({ code: 0, stdout: expect.stringMatching(/resolved "Drill: YK-01: seal S-1 was not intact when broken" \(ledger entry \d+\)/) });
    expect(resolved.stderr).toContain('witness Bob Example: approved');
    expect((JSON.parse((await keyward('--json', 'findings', 'list')).stdout) as Finding[]).some((f) => f.id === seal.id)).toBe(false);
    const all = JSON.parse((await keyward('--json', 'findings', 'list', '--all')).stdout) as Finding[];
    expect(all.find((f) => f.id === seal.id)!.resolution).toMatchObject({ by: ['Alice Example', 'Bob Example'], reason: 'bag torn in transport; CCTV reviewed' });
    expect((await keyward('ledger', 'verify')).code).toBe(0);
  });
});
