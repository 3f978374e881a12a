import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-posture-');
afterAll(() => dir.remove());

describe('keyward posture, facts and kql', () => {
  it('judges recorded facts, exits 2 on a failed rule, and writes the KQL with the object ids', async () => {
    const db = join(dir.path, 'posture.db');
    const keyward = keywardAt(db, dir.path);
    await keyward('init');
    expect((await keyward('kql')).code).toBe(1);
    await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    const first = await keyward('--json', 'posture');
    expect(first.code).toBe(2); // one account is not two
    expect(JSON.parse(first.stdout).rules.find((r: { id: string }) => r.id === 'two-accounts')).toMatchObject({ result: 'fail', evidence: expect.stringContaining('1 recorded') });

    expect((await keyward('account', 'facts', '--upn', 'bg1@contoso.onmicrosoft.com', '--cloud-only', 'yes', '--global-admin', 'permanent', '--mechanism', 'FIDO2 key')).code).toBe(0);
    expect(await keyward('account', 'facts', '--upn', 'bg1@contoso.onmicrosoft.com', '--cloud-only', 'maybe')).toMatchObject({ code: 1, stderr: expect.stringContaining('cloudOnly must be one of yes, no, unknown') });
    expect(await keyward('org', 'facts', '--ca-stance', 'ignore')).toMatchObject({ code: 1, stderr: expect.stringContaining('caStance must be one of exclude, phishing-resistant') });
    expect((await keyward('org', 'facts', '--monitoring', 'yes', '--admin-mechanism', 'Authenticator app')).code).toBe(0);
    const rules = JSON.parse((await keyward('--json', 'posture')).stdout).rules as { id: string; result: string }[];
    expect(Object.fromEntries(rules.map((r) => [r.id, r.result]))).toMatchObject({ 'cloud-only': 'pass', 'ga-permanent': 'pass', monitoring: 'pass', 'two-accounts': 'fail' });

    const kql = await keyward('kql');
    expect(kql.code).toBe(0);
    expect(kql.stdout).toContain('let emergencyAccounts = dynamic(["3f2504e0-4f89-11d3-9a0c-0305e82c3301"]);');
    expect(kql.stdout).toMatch(/SigninLogs\n\| where UserId in \(emergencyAccounts\)/);
    expect(JSON.parse((await keyward('--json', 'ledger', 'show', '--limit', '1')).stdout)[0]).toMatchObject({ kind: 'posture.organisation_facts' });
  });
});

describe('keyward validation', () => {
  it('shows the cycle, walks the checklist with drill-key touches, and exits 2 while a validation is due', async () => {
    const db = join(dir.path, 'validation.db');
    const keyward = keywardAt(db, dir.path);
    await keyward('init');
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');
    const due = await keyward('validation', 'status');
    expect(due.code).toBe(2);
    expect(due.stdout).toContain('VALIDATION DUE: no validation has been completed yet');
    expect((await keyward('validation', 'start')).code).toBe(0);
    for (const step of ['monitoring-informed', 'process-documented', 'people-trained', 'credentials-tested', 'no-personal-mfa']) {
      expect((await keyward('validation', 'attest', '--step', step, '--custodian', 'Alice Example', '--simulated')).code).toBe(0);
    }
    expect(await keyward('validation', 'complete')).toMatchObject({ code: 1, stderr: expect.stringContaining('still open: two-paths, cleanup-excluded, device-accessible') });
    expect(await keyward('validation', 'waive', '--step', 'two-paths', '--custodian', 'Alice Example', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('--reason is required') });
    expect((await keyward('validation', 'waive', '--step', 'two-paths', '--custodian', 'Alice Example', '--reason', 'cellular modem on order', '--simulated')).code).toBe(0);
    for (const step of ['cleanup-excluded', 'device-accessible']) {
      expect((await keyward('validation', 'waive', '--step', step, '--custodian', 'Alice Example', '--reason', 'no account recorded yet', '--simulated')).code).toBe(0);
    }
    expect((await keyward('validation', 'complete')).code).toBe(0);
    const done = await keyward('--json', 'validation', 'status');
    expect(done.code).toBe(0);
    // Each call here starts its clock afresh, so "now" may equal the completion time: 89 or 90 days.
    expect(JSON.parse(done.stdout)).toMatchObject({ due: false, daysRemaining: expect.any(Number) });
    expect([89, 90]).toContain(JSON.parse(done.stdout).daysRemaining);
    expect((await keyward('ledger', 'verify')).code).toBe(0);
  });
});

describe('keyward place access and the validation steps that rest on attestations', () => {
  it('records who can open a place, refuses bad lists, and walks the cleanup step account by account', async () => {
    const db = join(dir.path, 'attested.db');
    const keyward = keywardAt(db, dir.path);
    await keyward('init');
    await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    await keyward('account', 'add', '--upn', 'bg2@contoso.onmicrosoft.com', '--object-id', '6fa459ea-ee8a-3ca4-894e-db77e160355e');
    await keyward('place', 'add', '--name', 'HQ safe A');
    await keyward('key', 'add', '--kind', 'fido2', '--label', 'YK-01', '--place', 'HQ safe A', '--account', 'bg1@contoso.onmicrosoft.com');
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');

    expect(await keyward('place', 'access', '--place', 'HQ safe A')).toMatchObject({ code: 1, stderr: expect.stringContaining('name at least one person who can open HQ safe A') });
    expect(await keyward('place', 'access', '--place', 'Cellar', '--person', 'Alice Example')).toMatchObject({ code: 1, stderr: expect.stringContaining('no storage place named "Cellar"') });
    expect(await keyward('place', 'access', '--place', 'HQ safe A', '--person', 'Alice Example')).toMatchObject({ code: 2, stdout: expect.stringMatching(/recorded 1 person with access to HQ safe A \(entry \d+\)\nFAIL .*only Alice Example can open HQ safe A/) });
    expect((await keyward('place', 'access', '--place', 'HQ safe A', '--person', 'Alice Example', '--person', 'Bob Example')).code).toBe(0);
    expect((await keyward('place', 'access-list')).stdout).toMatch(/HQ safe A\s+YK-01\s+Alice Example, Bob Example\s+\d{4}-\d\d-\d\d\s+\d+/);
    const rules = JSON.parse((await keyward('--json', 'posture')).stdout).rules as { id: string; result: string; evidence: string }[];
    // bg2 has no key yet: nothing to reach, so the rule cannot pass.
    expect(rules.find((r) => r.id === 'device-reachable')).toMatchObject({ result: 'unknown', evidence: expect.stringMatching(/^HQ safe A \(YK-01\): Alice Example, Bob Example; bg2@contoso\.onmicrosoft\.com: no working authenticator bound/) });
    expect(rules.find((r) => r.id === 'no-cleanup-scope')).toMatchObject({ result: 'fail', evidence: expect.stringContaining('bg2@contoso.onmicrosoft.com: NOT ATTESTED') });

    await keyward('validation', 'start');
    const attest = (...args: string[]) => keyward('validation', 'attest', '--step', 'cleanup-excluded', '--custodian', 'Alice Example', '--simulated', ...args);
    expect(await attest('--account', 'bg1@contoso.onmicrosoft.com')).toMatchObject({ code: 1, stderr: expect.stringContaining('name each automated cleanup bg1@contoso.onmicrosoft.com is excluded from') });
    expect((await attest('--account', 'bg1@contoso.onmicrosoft.com', '--policy', 'Lifecycle workflow: inactive users', '--policy', 'Access review: Global Administrators')).code).toBe(0);
    const status = await keyward('validation', 'status');
    expect(status.stdout).toMatch(/cleanup-excluded, account by account:\n {2}bg1@contoso\.onmicrosoft\.com: excluded from "Lifecycle workflow: inactive users", "Access review: Global Administrators" \(drill key\), attested by Alice Example \(entry \d+\)\n {2}bg2@contoso\.onmicrosoft\.com: to attest/);
    expect((await attest('--account', 'bg2@contoso.onmicrosoft.com', '--no-cleanup-in-tenant')).code).toBe(0);
    expect((await keyward('validation', 'attest', '--step', 'device-accessible', '--custodian', 'Bob Example', '--simulated')).code).toBe(0);
    const done = JSON.parse((await keyward('--json', 'validation', 'status')).stdout) as { current: { steps: { id: string; status: string }[] } };
    expect(done.current.steps.filter((s) => s.status === 'attested').map((s) => s.id)).toEqual(['cleanup-excluded', 'device-accessible']);
    expect((await keyward('ledger', 'verify')).code).toBe(0);
  });
});
