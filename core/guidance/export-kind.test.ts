import { describe, expect, it } from 'vitest';
import { lookAtExport } from './export-kind';

describe('telling an export\'s kind from its first kilobytes', () => {
  it('reads the kind from a Graph page\'s "@odata.context"', () => {
    const page = (context: string) => lookAtExport(`\uFEFF{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#${context}","value":[`);
    expect(page('auditLogs/signIns')).toEqual({ format: 'json', kind: 'sign-ins', evidence: 'its "@odata.context" is https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns' });
    expect(page('users(id,userPrincipalName,onPremisesSyncEnabled)').kind).toBe('users');
    expect(page('roleManagement/directory/roleAssignments').kind).toBe('role-assignments');
    expect(page('roleManagement/directory/roleEligibilitySchedules').kind).toBe('role-eligibility');
    expect(page('identity/conditionalAccess/policies').kind).toBe('ca-policies');
    expect(page('roleManagement/directory/roleAssignmentScheduleInstances').kind).toBe('role-instances');
    expect(page("users('3f2504e0-4f89-11d3-9a0c-0305e82c3301')/authentication/methods").kind).toBe('auth-methods');
    expect(page("users('3f2504e0-4f89-11d3-9a0c-0305e82c3301')/authentication/requirements/$entity").kind).toBe('per-user-mfa');
    expect(page('policies/authenticationMethodsPolicy/$entity').kind).toBe('methods-policy');
    expect(page('groups(id,displayName,members(id))').kind).toBe('group-members');
    expect(page('auditLogs/directoryAudits').kind).toBe('directory-audits');
    expect(page('directoryObjects').kind).toBe('unknown');
  });

  it('reads it from the first records\' keys when there is no context (JSON Lines, a bare array)', () => {
    expect(lookAtExport('{"id":"x","createdDateTime":"2026-11-20T10:00:00Z","userId":"u","userPrincipalName":"a@b"}\n')).toMatchObject({ kind: 'sign-ins', evidence: 'its records have "userId" and "createdDateTime"' });
    expect(lookAtExport('[{"id":"u","userPrincipalName":"a@b","createdDateTime":"2020-01-01T00:00:00Z"}]').kind).toBe('users');
    expect(lookAtExport('[{"id":"p","conditions":{},"grantControls":{}}]').kind).toBe('ca-policies');
    expect(lookAtExport('[{"id":"r","principalId":"p","roleDefinitionId":"d","memberType":"Direct"}]').kind).toBe('role-eligibility');
    expect(lookAtExport('[{"hello":"world"}]').kind).toBe('unknown');
  });

  it('tells the portal\'s sign-in CSV by its header, and an empty file as empty', () => {
    expect(lookAtExport('Date (UTC),Request ID,User ID\r\n')).toEqual({ format: 'csv', kind: 'sign-ins', evidence: 'its CSV header has a "request id" column' });
    expect(lookAtExport('Name,Mail\n').kind).toBe('unknown');
    expect(lookAtExport(' \n\t').format).toBe('empty');
  });
});
