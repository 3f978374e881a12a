import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-checkpoint-');
afterAll(() => dir.remove());

describe('keyward checkpoint', () => {
  it('is prompted after a checkout, signed by two custodians, listed, and verified', async () => {
    const keyward = keywardAt(join(dir.path, 'checkpoint.db'), dir.path, steppingClock());
    await keyward('init');
    expect(await keyward('site', 'name', '--name', 'HQ')).toMatchObject({ code: 0, stdout: expect.stringContaining('this site is HQ') });
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');
    await keyward('key', 'enroll', '--label', 'YK-01', '--simulated');
    await keyward('seal', 'add', '--serial', 'S-1');
    const out = await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'drill', '--expected-return', '4h', '--broken-seal', 'S-1', '--seal-intact', '--simulated');
    expect(out).toMatchObject({ code: 0, stderr: expect.stringContaining('a checkpoint is due') });

    expect(await keyward('checkpoint', '--custodian', 'Alice Example', '--witness', 'Alice Example', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('two different custodians') });
    const signed = await keyward('checkpoint', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--simulated');
    expect(signed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^checkpoint 1 \(entry \d+\) signed by Alice Example and Bob Example/) });
    expect(signed.stderr).toContain('witness Bob Example: signed');
    expect(signed.stderr).not.toContain('a checkpoint is due');
    expect((await keyward('checkpoint', 'list')).stdout).toMatch(/1\s+\d+\s+\S+\s+\d+\s+[0-9a-f]{16}\s+Alice Example, Bob Example \(drill\)/);
    expect(await keyward('ledger', 'verify')).toMatchObject({ code: 0 });
  });
});
