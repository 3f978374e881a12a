import { describe, expect, it } from 'vitest';
import { auditFromGraph, reconcileAudits, watchedChanges, type AuditScope } from './directory-audits';
import type { CheckoutWindow } from './signins';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const BG2 = '6fa459ea-ee8a-3ca4-894e-db77e160355e';
const GROUP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const NOW = new Date('2026-11-25T09:00:00Z');
const scope: AuditScope = {
  accounts: [{ objectId: BG1, upn: 'bg1@contoso.onmicrosoft.com' }, { objectId: BG2, upn: 'bg2@contoso.onmicrosoft.com' }],
  exclusionGroups: [{ id: GROUP, name: 'Emergency access exclusions' }],
  policies: [{ id: 'p1', name: 'Require MFA for administrators' }],
};
const audit = (id: string, at: string, activity: string, targets: unknown[], by = 'a1b2c3d4-0000-4000-8000-000000000001') =>
  auditFromGraph({ id, activityDateTime: at, activityDisplayName: activity, category: 'UserManagement', result: 'success', initiatedBy: { user: { id: by, userPrincipalName: 'adele.vance@contoso.com' } }, targetResources: targets }, `record ${id}`);
const window = (from: string, to: string | null, account = BG1): CheckoutWindow => ({ checkoutSeq: 40, accountObjectId: account, label: 'YK-01', reason: 'emergency', from, to });

describe('directory audit records reconciled like sign-ins', () => {
  const records = [
    audit('a1', '2026-11-20T14:00:00Z', 'Reset user password', [{ id: BG1, type: 'User' }]),
    audit('a2', '2026-11-21T09:30:00Z', 'Add member to group', [{ id: 'someone', type: 'User', modifiedProperties: [{ displayName: 'Group.ObjectID', newValue: `"${GROUP}"` }] }]),
    audit('a3', '2026-11-22T16:45:00Z', 'Update conditional access policy', [{ id: 'p1', type: 'Policy' }]),
    audit('a4', '2026-11-23T11:05:00Z', 'Update application', [{ id: 'app', type: 'Application' }], BG2),
    audit('a5', '2026-11-23T12:00:00Z', 'Update user', [{ id: 'someone-else', type: 'User' }]),
  ];

  it('watches changes to the accounts, to the exclusion groups\' membership, to the policies, and activity by the accounts; nothing else', () => {
    expect(watchedChanges(records, scope).map((c) => [c.audit.id, c.subject.label, c.what])).toEqual([
      ['a1', 'bg1@contoso.onmicrosoft.com', 'password reset or changed ("Reset user password")'],
      ['a2', 'Emergency access exclusions', 'group membership changed ("Add member to group")'],
      ['a3', 'Require MFA for administrators', 'Conditional Access policy changed ("Update conditional access policy")'],
      ['a4', 'bg2@contoso.onmicrosoft.com', 'acted: "Update application"'],
    ]);
  });

  it('explains a change inside a checkout of the account\'s own authenticators or a validation cycle; anything else is an incident', () => {
    const changes = watchedChanges(records, scope);
    const r = reconcileAudits(changes, [window('2026-11-20T13:00:00Z', '2026-11-20T15:00:00Z')], [{ startedSeq: 50, from: '2026-11-22T16:00:00Z', to: '2026-11-22T17:00:00Z' }], NOW);
    expect(r.explained.map((c) => [c.audit.id, c.by])).toEqual([['a1', 'checkout of YK-01 (entry 40)'], ['a3', 'validation cycle (entry 50)']]);
    expect(r.incidents.map((c) => c.audit.id)).toEqual(['a2', 'a4']);
    // Another account's checkout does not explain a change to bg1; an open checkout explains up to now.
    expect(reconcileAudits(changes.slice(0, 1), [window('2026-11-20T13:00:00Z', null, BG2)], [], NOW).incidents).toHaveLength(1);
    expect(reconcileAudits(changes.slice(0, 1), [window('2026-11-20T13:00:00Z', null)], [], NOW).incidents).toHaveLength(0);
  });

  it('refuses a record without an activity or with a date off the calendar', () => {
    expect(() => auditFromGraph({ id: 'x', activityDateTime: '2026-11-20T14:00:00Z' }, 'record 3')).toThrow(/record 3: "activityDisplayName" must be a non-empty string/);
    expect(() => auditFromGraph({ id: 'x', activityDisplayName: 'Delete user', activityDateTime: '2026-02-30T10:00:00Z' }, 'record 3')).toThrow(/record 3: activityDateTime "2026-02-30T10:00:00Z" is not a date and time/);
    expect(() => auditFromGraph({ id: 'x', activityDisplayName: 'Delete user', activityDateTime: '2026-02-03T10:00:00Z', targetResources: 'bg1' }, 'record 3')).toThrow(/"targetResources" must be a list of objects/);
  });
});
