import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-names-');
afterAll(() => dir.remove());

describe('names from the command line', () => {
  it('refuses a look-alike custodian and invisible characters with exit 1, naming what was wrong, and writes nothing', async () => {
    const keyward = keywardAt(join(dir.path, 'names.db'), dir.path, steppingClock());
    await keyward('init');
    expect((await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob   Example', '--simulated')).code).toBe(0);
    const head = async () => JSON.parse((await keyward('--json', 'ledger', 'verify')).stdout) as { ok: boolean; headSeq: number; headHash: string };
    const before = await head();
    expect(before.ok).toBe(true);

    const lookAlike = await keyward('custodian', 'enroll', '--name', '\u0410lic\u0435 Example', '--approver', 'Alice Example', '--approver', 'Bob Example', '--simulated');
    expect(lookAlike).toMatchObject({ code: 1, stderr: expect.stringContaining('looks like the custodian Alice Example (U+0410, U+0435 are look-alikes of its characters)') });
    const override = await keyward('custodian', 'enroll', '--name', 'Carol \u202eelpmaxE', '--approver', 'Alice Example', '--approver', 'Bob Example', '--simulated');
    expect(override).toMatchObject({ code: 1, stderr: expect.stringContaining('name contains U+202E (RIGHT-TO-LEFT OVERRIDE)') });
    expect(await head()).toEqual(before);

    // The double-spaced founder was stored single-spaced, and a later custodian joins with a plain name.
    expect((await keyward('custodian', 'enroll', '--name', 'Carol Example', '--approver', 'Alice Example', '--approver', 'Bob Example', '--simulated')).code).toBe(0);
    const custodians = JSON.parse((await keyward('--json', 'custodian', 'list')).stdout) as { name: string }[];
    expect(custodians.map((c) => c.name).sort()).toEqual(['Alice Example', 'Bob Example', 'Carol Example']);
  });

  it('refuses an emergency account whose UPN or label looks like another\'s, naming it, and writes nothing', async () => {
    const keyward = keywardAt(join(dir.path, 'accounts.db'), dir.path, steppingClock());
    await keyward('init');
    expect((await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', '--label', 'Break glass 1')).code).toBe(0);
    const head = async () => JSON.parse((await keyward('--json', 'ledger', 'verify')).stdout) as { headSeq: number; headHash: string };
    const before = await head();
    const other = '6fa459ea-ee8a-3ca4-894e-db77e160355e';
    expect(await keyward('account', 'add', '--upn', 'bgl@contoso.onmicrosoft.com', '--object-id', other)).toMatchObject({ code: 1, stderr: expect.stringContaining('looks like the emergency account bg1@contoso.onmicrosoft.com') });
    expect(await keyward('account', 'add', '--upn', 'bg2@contoso.onmicrosoft.com', '--object-id', other, '--label', 'Br\u0435ak glass 1')).toMatchObject({ code: 1, stderr: expect.stringContaining('looks like "Break glass 1", the label of bg1@contoso.onmicrosoft.com') });
    expect(await head()).toEqual(before);
  });
});
