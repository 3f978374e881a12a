/**
 * What an export file is, told from its first few kilobytes before it is read: a sign-in log, or
 * one of the Entra exports (users, role assignments, Conditional Access policies). An export given
 * to the wrong import is refused up front, saying what it looks like, instead of being read as
 * records of the wrong kind.
 */

export type ExportKind = 'sign-ins' | 'users' | 'role-assignments' | 'role-eligibility' | 'ca-policies' | 'unknown';

export interface ExportLook {
  readonly format: 'json' | 'csv' | 'empty';
  readonly kind: ExportKind;
  /** Why: the "@odata.context", the first record's keys, or the CSV header. */
  readonly evidence: string;
}

export const EXPORT_KIND_NAMES: Record<ExportKind, string> = {
  'sign-ins': 'a sign-in log export',
  users: 'a users export',
  'role-assignments': 'a directory role assignments export',
  'role-eligibility': 'a role eligibility export',
  'ca-policies': 'a Conditional Access policies export',
  unknown: 'an export of an unknown kind',
};

const BY_CONTEXT: readonly [RegExp, ExportKind][] = [
  [/auditLogs\/signIns/i, 'sign-ins'],
  [/roleEligibility/i, 'role-eligibility'],
  [/roleAssignment/i, 'role-assignments'],
  [/conditionalAccess\/policies/i, 'ca-policies'],
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
  const policy = has('conditions', 'grantControls');
  if (policy.length) return { format: 'json', kind: 'ca-policies', evidence: seen(policy) };
  const role = has('roleDefinitionId', 'principalId');
  if (role.length) return { format: 'json', kind: keys.has('scheduleInfo') || keys.has('memberType') ? 'role-eligibility' : 'role-assignments', evidence: seen(role) };
  if (keys.has('userPrincipalName')) return { format: 'json', kind: 'users', evidence: seen(['userPrincipalName']) };
  return { format: 'json', kind: 'unknown', evidence: 'neither its "@odata.context" nor its first records say' };
}
