import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-evidence-');
afterAll(() => dir.remove());
const FIXTURES = join(__dirname, '../test/fixtures/entra');

describe('keyward import entra and keyward audits', () => {
  it('imports Entra exports as evidence, refuses a partial one, and reconciles the audit log with exit 2 on an incident', async () => {
    const keyward = keywardAt(join(dir.path, 'evidence.db'), dir.path);
    await keyward('init');
    await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    await keyward('account', 'add', '--upn', 'bg2@contoso.onmicrosoft.com', '--object-id', '6fa459ea-ee8a-3ca4-894e-db77e160355e');
    expect(await keyward('import', 'entra', join(FIXTURES, 'role-instances.json'))).toMatchObject({ code: 0, stdout: expect.stringContaining('imported role-instances from role-instances.json: 3 active role assignment(s)') });
    expect(await keyward('import', 'entra', join(FIXTURES, 'directory-audits.json'))).toMatchObject({ code: 1, stderr: expect.stringContaining('import it with "keyward audits import"') });
    const rules = JSON.parse((await keyward('--json', 'posture')).stdout).rules as { id: string; result: string; sources: { file: string }[] }[];
    expect(rules.find((r) => r.id === 'ga-permanent')).toMatchObject({ result: 'pass', sources: [{ file: 'role-instances.json' }] });
    expect(await keyward('org', 'facts', '--evidence-interval', '0')).toMatchObject({ code: 1, stderr: expect.stringContaining('the evidence interval must be a whole number of days from 1 to 365') });

    await keyward('import', 'entra', join(FIXTURES, 'ca-policies.json'));
    expect(await keyward('audits', 'import', join(FIXTURES, 'directory-audits.json'))).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 5 audit record(s) from directory-audits.json: 5 new') });
    const reconciled = await keyward('audits', 'reconcile');
    expect(reconciled).toMatchObject({ code: 2, stdout: expect.stringMatching(/4 incident\(s\)[\s\S]*password reset or changed \("Reset user password"\)\s+bg1@contoso\.onmicrosoft\.com\s+adele\.vance@contoso\.com/) });
  });
});
