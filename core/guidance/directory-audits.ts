import { parseInstant } from '../calendar';
import { invalidInput } from '../errors';
import type { CheckoutWindow } from './signins';

/** One Entra directory audit record (Graph directoryAudit), as Keyward keeps it. */
export interface DirectoryAudit {
  readonly id: string;
  /** activityDateTime, UTC. */
  readonly at: string;
  readonly activity: string;
  readonly category: string;
  readonly result: string;
  /** The user who acted (initiatedBy.user.id), or the app's service principal id. */
  readonly initiatedBy: string;
  readonly initiatedByUpn: string;
  readonly targets: readonly AuditTarget[];
}

export interface AuditTarget {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** Ids named in the target's modified properties (a group's id on "Add member to group", a policy's exclusions). */
  readonly mentions: readonly string[];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const field = (r: Record<string, unknown>, key: string) => (typeof r[key] === 'string' ? (r[key] as string) : '');

/** Validates one record of a Graph directoryAudit export; `where` names it. */
export function auditFromGraph(value: unknown, where: string): DirectoryAudit {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidInput('file', `${where}: not a directory audit object`);
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') throw invalidInput('file', `${where}: "id" must be a non-empty string`);
  if (typeof r.activityDisplayName !== 'string' || r.activityDisplayName === '') throw invalidInput('file', `${where}: "activityDisplayName" must be a non-empty string`);
  const at = typeof r.activityDateTime === 'string' ? parseInstant(r.activityDateTime, 'optional') : null;
  if (at === null) throw invalidInput('file', `${where}: activityDateTime ${JSON.stringify(r.activityDateTime)} is not a date and time (ISO 8601, on the calendar)`);
  const targets = r.targetResources ?? [];
  if (!Array.isArray(targets) || targets.some((t) => !t || typeof t !== 'object' || Array.isArray(t))) throw invalidInput('file', `${where}: "targetResources" must be a list of objects`);
  const initiated = (r.initiatedBy && typeof r.initiatedBy === 'object' ? r.initiatedBy : {}) as Record<string, unknown>;
  const actor = ((initiated.user && typeof initiated.user === 'object' ? initiated.user : initiated.app && typeof initiated.app === 'object' ? initiated.app : {}) as Record<string, unknown>);
  return {
    id: r.id,
    at: new Date(at).toISOString(),
    activity: r.activityDisplayName,
    category: field(r, 'category'),
    result: field(r, 'result'),
    initiatedBy: (field(actor, 'id') || field(actor, 'servicePrincipalId')).toLowerCase(),
    initiatedByUpn: field(actor, 'userPrincipalName') || field(actor, 'displayName'),
    targets: (targets as Record<string, unknown>[]).map((t) => ({
      id: field(t, 'id').toLowerCase(),
      type: field(t, 'type'),
      name: field(t, 'userPrincipalName') || field(t, 'displayName'),
      mentions: [...new Set((JSON.stringify(t.modifiedProperties ?? []).match(GUID) ?? []).map((g) => g.toLowerCase()))],
    })),
  };
}

/** What Keyward watches: the emergency accounts, the groups that exclude them, the policies that name them. */
export interface AuditScope {
  readonly accounts: readonly { readonly objectId: string; readonly upn: string }[];
  readonly exclusionGroups: readonly { readonly id: string; readonly name: string }[];
  readonly policies: readonly { readonly id: string; readonly name: string }[];
}

/** A validation cycle, from its start to its completion (null while under way). */
export interface ValidationWindow {
  readonly startedSeq: number;
  readonly from: string;
  readonly to: string | null;
}

export interface WatchedChange {
  readonly audit: DirectoryAudit;
  /** What it touched: an emergency account (changed or acting), an exclusion group, a policy. */
  readonly subject: { readonly type: 'account' | 'group' | 'policy'; readonly id: string; readonly label: string };
  readonly what: string;
}

export interface AuditReconciliation {
  readonly explained: readonly (WatchedChange & { readonly by: string })[];
  /** Changes outside any checkout of the account's authenticators and outside any validation cycle. */
  readonly incidents: readonly WatchedChange[];
}

const KNOWN: readonly [RegExp, string][] = [
  [/security info|authentication method|StrongAuthentication/i, 'authentication method changed'],
  [/password/i, 'password reset or changed'],
  [/remove .*member from role|remove eligible member/i, 'role removed'],
  [/disable account/i, 'account disabled'],
  [/delete user/i, 'account deleted'],
  [/(add|remove) member (to|from) group/i, 'group membership changed'],
  [/conditional access/i, 'Conditional Access policy changed'],
];
const describe = (a: DirectoryAudit) => `${KNOWN.find(([re]) => re.test(a.activity))?.[1] ?? 'changed'} ("${a.activity}")`;

/** The changes among `audits` that touch what Keyward watches, each once. */
export function watchedChanges(audits: readonly DirectoryAudit[], scope: AuditScope): WatchedChange[] {
  const accounts = new Map(scope.accounts.map((a) => [a.objectId.toLowerCase(), a.upn]));
  const groups = new Map(scope.exclusionGroups.map((g) => [g.id.toLowerCase(), g.name]));
  const policies = new Map(scope.policies.map((p) => [p.id.toLowerCase(), p.name]));
  const changes: WatchedChange[] = [];
  for (const audit of [...audits].sort((x, y) => x.at.localeCompare(y.at))) {
    const ids = audit.targets.flatMap((t) => [t.id, ...t.mentions]);
    const account = ids.find((id) => accounts.has(id)) ?? (accounts.has(audit.initiatedBy) ? audit.initiatedBy : undefined);
    const group = ids.find((id) => groups.has(id));
    // A policy is named by the change's own target; a group or an account may be named inside it.
    const policy = audit.targets.map((t) => t.id).find((id) => policies.has(id));
    if (policy) changes.push({ audit, subject: { type: 'policy', id: policy, label: policies.get(policy)! }, what: describe(audit) });
    else if (group) changes.push({ audit, subject: { type: 'group', id: group, label: groups.get(group)! }, what: describe(audit) });
    else if (account) {
      const acting = !audit.targets.some((t) => accounts.has(t.id) || t.mentions.some((m) => accounts.has(m)));
      changes.push({ audit, subject: { type: 'account', id: account, label: accounts.get(account)! }, what: acting ? `acted: "${audit.activity}"` : describe(audit) });
    }
  }
  return changes;
}

/**
 * Every watched change is explained by a logged checkout (of the account's own authenticators for
 * a change to or by an account; of any for a group or a policy) or by a validation cycle under
 * way, or it is an incident, as sign-ins are.
 */
export function reconcileAudits(changes: readonly WatchedChange[], windows: readonly CheckoutWindow[], cycles: readonly ValidationWindow[], now: Date): AuditReconciliation {
  const nowIso = now.toISOString();
  const explained: (WatchedChange & { by: string })[] = [];
  const incidents: WatchedChange[] = [];
  for (const change of changes) {
    const at = change.audit.at;
    const window = windows.find((w) => (change.subject.type !== 'account' || w.accountObjectId.toLowerCase() === change.subject.id) && at >= w.from && at <= (w.to ?? nowIso));
    const cycle = cycles.find((c) => at >= c.from && at <= (c.to ?? nowIso));
    if (window) explained.push({ ...change, by: `checkout of ${window.label} (entry ${window.checkoutSeq})` });
    else if (cycle) explained.push({ ...change, by: `validation cycle (entry ${cycle.startedSeq})` });
    else incidents.push(change);
  }
  return { explained, incidents };
}
