import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-evidence-');
afterAll(() => dir.remove());
const FIXTURES = join(__dirname, '../test/fixtures/entra');

describe('keyward import entra, auditlog and kql', () => {
  it('imports Entra exports as evidence, refuses a partial one, and reconciles the audit log with exit 2 on an incident', async () => {
    const keyward = keywardAt(join(dir.path, 'evidence.db'), dir.path);
    await keyward('init');
    await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    await keyward('account', 'add', '--upn', 'bg2@contoso.onmicrosoft.com', '--object-id', '6fa459ea-ee8a-3ca4-894e-db77e160355e');
    expect(await keyward('import', 'entra', join(FIXTURES, 'role-instances.json'))).toMatchObject({ code: 0, stdout: expect.stringContaining('imported role-instances from role-instances.json: 3 active role assignment(s)') });
    expect(await keyward('import', 'entra', join(FIXTURES, 'directory-audits.json'))).toMatchObject({ code: 1, stderr: expect.stringContaining('import it with "keyward auditlog import"') });
    const rules = JSON.parse((await keyward('--json', 'posture')).stdout).rules as { id: string; result: string; sources: { file: string }[] }[];
    expect(rules.find((r) => r.id === 'ga-permanent')).toMatchObject({ result: 'pass', sources: [{ file: 'role-instances.json' }] });
    expect(await keyward('org', 'facts', '--evidence-interval', '0')).toMatchObject({ code: 1, stderr: expect.stringContaining('the evidence interval must be a whole number of days from 1 to 365') });

    await keyward('import', 'entra', join(FIXTURES, 'ca-policies.json'));
    expect(await keyward('auditlog', 'import', join(FIXTURES, 'directory-audits.json'))).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 5 audit record(s) from directory-audits.json: 5 new') });
    const reconciled = await keyward('auditlog', 'reconcile');
    expect(reconciled).toMatchObject({ code: 2, stdout: expect.stringMatching(/4 incident\(s\)[\s\S]*password reset or changed \("Reset user password"\)\s+bg1@contoso\.onmicrosoft\.com\s+adele\.vance@contoso\.com/) });
  });

  it('prints the alert queries and writes the alert rules template, refusing bad receivers before writing anything', async () => {
    const keyward = keywardAt(join(dir.path, 'kql.db'), dir.path);
    await keyward('init');
    await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    await keyward('import', 'entra', join(FIXTURES, 'ca-policies.json'));
    const kql = await keyward('kql');
    expect(kql.stdout).toMatch(/\/\/ Any non-interactive sign-in by an emergency access account[^\n]*\nlet emergencyAccounts = dynamic\(\["3f2504e0-4f89-11d3-9a0c-0305e82c3301"\]\);\nAADNonInteractiveUserSignInLogs/);
    expect(kql.stdout).toContain('let exclusionGroups = dynamic(["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"]);');
    const out = join(dir.path, 'alerts.json');
    expect(await keyward('kql', '--arm', out, '--email', 'soc at contoso')).toMatchObject({ code: 1, stderr: expect.stringContaining('is not an email address') });
    expect(await keyward('kql', '--email', 'soc@contoso.com')).toMatchObject({ code: 1, stderr: expect.stringContaining('--email and --sms go with --arm FILE') });
    expect(existsSync(out)).toBe(false);
    expect(await keyward('kql', '--arm', out, '--email', 'soc@contoso.com', '--sms', '+44 7700900123')).toMatchObject({ code: 0, stdout: expect.stringContaining('6 alert rule(s)') });
    const template = JSON.parse(readFileSync(out, 'utf8')) as { resources: { type: string }[] };
    expect(template.resources.map((r) => r.type)).toEqual(['Microsoft.Insights/actionGroups', ...Array(6).fill('Microsoft.Insights/scheduledQueryRules')]);
  });
});
