import { invalidInput } from '../errors';
import type { Tristate } from './posture';

/** Global Administrator's role definition id, the same in every tenant. */
export const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';

export type EntraRecord =
  | { readonly kind: 'user'; readonly id: string; readonly cloudOnly: Tristate; readonly groups: readonly string[] }
  | { readonly kind: 'role-assignment'; readonly principalId: string; readonly roleDefinitionId: string; readonly eligible: boolean }
  | { readonly kind: 'ca-policy'; readonly id: string; readonly name: string; readonly enforced: boolean; readonly excludeUsers: readonly string[]; readonly excludeGroups: readonly string[] };

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const ids = (v: unknown, where: string, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidInput('file', `${where}: ${field} must be a list of ids`);
  return (v as string[]).map((x) => x.toLowerCase());
};

/**
 * Reads one record of a Graph export — a user, a directory role assignment (active or eligible),
 * or a Conditional Access policy — telling them apart by their shape.
 */
export function entraRecord(value: unknown, where: string, context = ''): EntraRecord {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidInput('file', `${where}: not an object`);
  const r = value as Record<string, unknown>;
  if (r.conditions !== undefined || r.grantControls !== undefined) {
    const users = ((r.conditions as Record<string, unknown> | undefined)?.users ?? {}) as Record<string, unknown>;
    if (!str(r.id)) throw invalidInput('file', `${where}: a Conditional Access policy needs an "id"`);
    if (!['enabled', 'disabled', 'enabledForReportingButNotEnforced'].includes(String(r.state))) throw invalidInput('file', `${where}: policy "state" ${JSON.stringify(r.state)} is not one Graph uses`);
    return { kind: 'ca-policy', id: String(r.id), name: str(r.displayName) ?? String(r.id), enforced: r.state === 'enabled', excludeUsers: ids(users.excludeUsers, where, 'excludeUsers'), excludeGroups: ids(users.excludeGroups, where, 'excludeGroups') };
  }
  if (r.roleDefinitionId !== undefined || r.principalId !== undefined) {
    if (!str(r.principalId) || !str(r.roleDefinitionId)) throw invalidInput('file', `${where}: a role assignment needs "principalId" and "roleDefinitionId"`);
    const eligible = /eligibility/i.test(context) || r.scheduleInfo !== undefined || r.memberType !== undefined;
    return { kind: 'role-assignment', principalId: String(r.principalId).toLowerCase(), roleDefinitionId: String(r.roleDefinitionId).toLowerCase(), eligible };
  }
  if (r.userId !== undefined && r.createdDateTime !== undefined) throw invalidInput('file', `${where}: a sign-in, not a user, a role assignment or a Conditional Access policy (import sign-ins with "keyward signins import")`);
  if (r.userPrincipalName !== undefined) {
    if (!str(r.id)) throw invalidInput('file', `${where}: a user needs an "id"`);
    const sync = r.onPremisesSyncEnabled;
    if (sync !== undefined && sync !== null && typeof sync !== 'boolean') throw invalidInput('file', `${where}: "onPremisesSyncEnabled" must be true, false or null`);
    const immutable = r.onPremisesImmutableId;
    if (immutable !== undefined && immutable !== null && typeof immutable !== 'string') throw invalidInput('file', `${where}: "onPremisesImmutableId" must be text or null`);
    const cloudOnly: Tristate = sync === undefined && immutable === undefined ? 'unknown' : sync === true || (typeof immutable === 'string' && immutable !== '') ? 'no' : 'yes';
    const memberOf = r.memberOf ?? [];
    if (!Array.isArray(memberOf) || memberOf.some((g) => !g || typeof g !== 'object' || !str((g as Record<string, unknown>).id))) throw invalidInput('file', `${where}: "memberOf" must be a list of groups, each with an "id"`);
    const groups = (memberOf as { id: string }[]).map((g) => g.id.toLowerCase());
    return { kind: 'user', id: String(r.id).toLowerCase(), cloudOnly, groups };
  }
  throw invalidInput('file', `${where}: not a user, a role assignment or a Conditional Access policy`);
}
