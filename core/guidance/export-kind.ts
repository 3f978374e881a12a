/**
 * What an export file is, told from its first few kilobytes before it is read: a sign-in log, a
 * directory audit log, or one of the Entra exports the posture rules judge. An export given to
 * the wrong import is refused up front, saying what it looks like, instead of being read as
 * records of the wrong kind.
 */

export type ExportKind =
  | 'sign-ins'
  | 'directory-audits'
  | 'users'
  | 'auth-methods'
  | 'methods-policy'
  | 'per-user-mfa'
  | 'role-instances'
  | 'role-assignments'
  | 'role-eligibility'
  | 'ca-policies'
  | 'group-members'
  | 'unknown';

export interface ExportLook {
  readonly format: 'json' | 'csv' | 'empty';
  readonly kind: ExportKind;
  /** Why: the "@odata.context", the first record's keys, or the CSV header. */
  readonly evidence: string;
}

export const EXPORT_KIND_NAMES: Record<ExportKind, string> = {
  'sign-ins': 'a sign-in log export',
  'directory-audits': 'a directory audit log export',
  users: 'a users export',
  'auth-methods': 'an authentication methods export',
  'methods-policy': 'the authentication methods policy',
  'per-user-mfa': 'a per-user MFA state export',
  'role-instances': 'an active role assignments export',
  'role-assignments': 'a directory role assignments export',
  'role-eligibility': 'a role eligibility export',
  'ca-policies': 'a Conditional Access policies export',
  'group-members': 'a group members export',
  unknown: 'an export of an unknown kind',
};

/** Where each export comes from: the Graph request and the least permission that reads it (all read-only). */
export const GRAPH_EXPORTS: readonly { readonly kind: ExportKind; readonly request: string; readonly permission: string }[] = [
  { kind: 'users', request: 'GET /v1.0/users?$select=id,userPrincipalName,accountEnabled,onPremisesSyncEnabled,onPremisesImmutableId,signInActivity', permission: 'User.Read.All and AuditLog.Read.All (signInActivity)' },
  { kind: 'auth-methods', request: 'GET /v1.0/users/{id}/authentication/methods', permission: 'UserAuthenticationMethod.Read.All' },
  { kind: 'methods-policy', request: 'GET /v1.0/policies/authenticationMethodsPolicy', permission: 'Policy.Read.All' },
  { kind: 'per-user-mfa', request: 'GET /beta/users/{id}/authentication/requirements', permission: 'Policy.Read.All' },
  { kind: 'role-instances', request: 'GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances', permission: 'RoleAssignmentSchedule.Read.Directory' },
  { kind: 'role-eligibility', request: 'GET /v1.0/roleManagement/directory/roleEligibilitySchedules', permission: 'RoleEligibilitySchedule.Read.Directory' },
  { kind: 'ca-policies', request: 'GET /v1.0/identity/conditionalAccess/policies', permission: 'Policy.Read.All' },
  { kind: 'group-members', request: "GET /v1.0/groups?$filter=id in ('{id}',…)&$select=id,displayName&$expand=members($select=id)", permission: 'GroupMember.Read.All' },
  { kind: 'directory-audits', request: 'GET /v1.0/auditLogs/directoryAudits?$filter=activityDateTime ge {from}', permission: 'AuditLog.Read.All' },
  { kind: 'sign-ins', request: 'GET /v1.0/auditLogs/signIns?$filter=userId eq \'{id}\'', permission: 'AuditLog.Read.All' },
];

// Order matters: the more specific context first (a user's methods before users).
const BY_CONTEXT: readonly [RegExp, ExportKind][] = [
  [/auditLogs\/signIns/i, 'sign-ins'],
  [/auditLogs\/directoryAudits/i, 'directory-audits'],
  [/roleEligibility/i, 'role-eligibility'],
  [/roleAssignmentSchedule(Instance)?s/i, 'role-instances'],
  [/roleAssignments/i, 'role-assignments'],
  [/conditionalAccess\/policies/i, 'ca-policies'],
  [/authenticationMethodsPolicy|authenticationMethodConfigurations/i, 'methods-policy'],
  [/\/authentication\/requirements/i, 'per-user-mfa'],
  [/\/authentication\/methods/i, 'auth-methods'],
  [/#groups\b/i, 'group-members'],
  [/#users\b/i, 'users'],
];

const SIGN_IN_COLUMNS = ['request id', 'sign-in error code', 'date (utc)'];

/** The kind a Graph "@odata.context" names, e.g. `…/$metadata#users` → users. */
export const kindOfContext = (context: string): ExportKind => BY_CONTEXT.find(([pattern]) => pattern.test(context))?.[1] ?? 'unknown';

/** `head` is the start of the file, decoded; a byte order mark is allowed. */
export function lookAtExport(head: string): ExportLook {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') return { format: 'empty', kind: 'unknown', evidence: 'the file is empty' };
  if (!text.startsWith('{') && !text.startsWith('[')) {
    const header = (text.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
    const signIn = SIGN_IN_COLUMNS.find((column) => header.split(',').some((h) => h.trim().replace(/^"|"$/g, '') === column));
    return signIn ? { format: 'csv', kind: 'sign-ins', evidence: `its CSV header has a "${signIn}" column` } : { format: 'csv', kind: 'unknown', evidence: 'it is not JSON' };
  }
  const context = /"@odata\.context"\s*:\s*"([^"]*)"/.exec(text)?.[1];
  if (context !== undefined) {
    return { format: 'json', kind: kindOfContext(context), evidence: `its "@odata.context" is ${context}` };
  }
  // No context (JSON Lines, a bare array): the keys of the records at the start tell.
  const keys = new Set([...text.matchAll(/"([A-Za-z@.]+)"\s*:/g)].map((m) => m[1]!));
  const has = (...names: string[]) => names.filter((n) => keys.has(n));
  const seen = (names: string[]) => `its records have ${names.map((n) => `"${n}"`).join(' and ')}`;
  if (has('userId', 'createdDateTime').length === 2) return { format: 'json', kind: 'sign-ins', evidence: seen(['userId', 'createdDateTime']) };
  if (has('activityDisplayName', 'activityDateTime').length === 2) return { format: 'json', kind: 'directory-audits', evidence: seen(['activityDisplayName', 'activityDateTime']) };
  const policy = has('conditions', 'grantControls');
  if (policy.length) return { format: 'json', kind: 'ca-policies', evidence: seen(policy) };
  const role = has('roleDefinitionId', 'principalId');
  if (role.length) {
    const kind = keys.has('assignmentType') ? 'role-instances' : keys.has('scheduleInfo') || keys.has('memberType') ? 'role-eligibility' : 'role-assignments';
    return { format: 'json', kind, evidence: seen(role) };
  }
  if (keys.has('authenticationMethodConfigurations')) return { format: 'json', kind: 'methods-policy', evidence: seen(['authenticationMethodConfigurations']) };
  if (keys.has('userPrincipalName')) return { format: 'json', kind: 'users', evidence: seen(['userPrincipalName']) };
  if (keys.has('members')) return { format: 'json', kind: 'group-members', evidence: seen(['members']) };
  return { format: 'json', kind: 'unknown', evidence: 'neither its "@odata.context" nor its first records say' };
}
