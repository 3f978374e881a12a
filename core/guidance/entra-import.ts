import { parseInstant } from '../calendar';
import { invalidInput } from '../errors';
import type { ActiveRole, CaPolicy, EligibleRole, Fido2Policy, GroupRecord, MethodRecord, MethodType, PerUserMfaState, PolicyUsers, UserRecord } from './tenant-evidence';

/** Global Administrator's role definition id (and role template id), the same in every tenant. */
export const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Fields = Record<string, unknown>;

function object(value: unknown, where: string, what: string): Fields {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidInput('file', `${where}: ${what} must be a JSON object`);
  return value as Fields;
}
function text(r: Fields, key: string, where: string, what: string): string {
  const v = r[key];
  if (typeof v !== 'string' || v === '') throw invalidInput('file', `${where}: ${what} needs "${key}"`);
  return v;
}
function optionalText(r: Fields, key: string, where: string): string | null {
  const v = r[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalidInput('file', `${where}: "${key}" must be text or null`);
  return v;
}
function flag(r: Fields, key: string, where: string): boolean | null {
  const v = r[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw invalidInput('file', `${where}: "${key}" must be true, false or null`);
  return v;
}
function instant(r: Fields, key: string, where: string): string | null {
  const v = optionalText(r, key, where);
  if (v === null) return null;
  const at = parseInstant(v, 'optional');
  if (at === null) throw invalidInput('file', `${where}: "${key}" ${JSON.stringify(v)} is not a date and time (ISO 8601, on the calendar)`);
  return new Date(at).toISOString();
}
function ids(v: unknown, where: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidInput('file', `${where}: ${field} must be a list of ids`);
  return (v as string[]).map((x) => x.toLowerCase());
}
function oneOf<T extends string>(r: Fields, key: string, allowed: readonly T[], where: string, what: string): T {
  const v = r[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw invalidInput('file', `${where}: ${what} "${key}" ${JSON.stringify(v)} is not one Graph uses (${allowed.join(', ')})`);
  return v as T;
}
function objectIds(v: unknown, where: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((g) => !g || typeof g !== 'object' || typeof (g as Fields).id !== 'string')) throw invalidInput('file', `${where}: "${field}" must be a list of directory objects, each with an "id"`);
  return (v as { id: string }[]).map((g) => g.id.toLowerCase());
}

/** The user a per-user export is about, from its "@odata.context" (`…#users('ID or UPN')/authentication/…`). */
export function userOfContext(context: string): string | null {
  const match = /users\('([^']+)'\)/i.exec(context);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!).toLowerCase();
  } catch {
    return match[1]!.toLowerCase();
  }
}

/** A user, with the properties the guidance reads (GET /users?$select=…,signInActivity). */
export function userRecord(value: unknown, where: string): UserRecord {
  const r = object(value, where, 'a user');
  const id = text(r, 'id', where, 'a user');
  const upn = text(r, 'userPrincipalName', where, 'a user');
  const sync = flag(r, 'onPremisesSyncEnabled', where);
  const immutable = optionalText(r, 'onPremisesImmutableId', where);
  const selected = r.onPremisesSyncEnabled !== undefined || r.onPremisesImmutableId !== undefined;
  const activity = r.signInActivity === undefined || r.signInActivity === null ? null : object(r.signInActivity, where, '"signInActivity"');
  return {
    id: id.toLowerCase(),
    upn: upn.toLowerCase(),
    enabled: flag(r, 'accountEnabled', where),
    synced: selected ? sync === true || (immutable !== null && immutable !== '') : null,
    lastSignIn: activity ? instant(activity, 'lastSignInDateTime', `${where}, signInActivity`) : null,
    groups: objectIds(r.memberOf, where, 'memberOf'),
  };
}

const METHOD_OF_TYPE: Readonly<Record<string, MethodType>> = {
  fido2AuthenticationMethod: 'fido2',
  phoneAuthenticationMethod: 'phone',
  microsoftAuthenticatorAuthenticationMethod: 'microsoftAuthenticator',
  softwareOathAuthenticationMethod: 'softwareOath',
  temporaryAccessPassAuthenticationMethod: 'temporaryAccessPass',
  passwordAuthenticationMethod: 'password',
  emailAuthenticationMethod: 'email',
  windowsHelloForBusinessAuthenticationMethod: 'windowsHelloForBusiness',
  x509CertificateAuthenticationMethod: 'x509Certificate',
  platformCredentialAuthenticationMethod: 'platformCredential',
};

/** One of a user's authentication methods (GET /users/{id}/authentication/methods), told by its "@odata.type". */
export function methodRecord(value: unknown, where: string): MethodRecord {
  const r = object(value, where, 'an authentication method');
  const odataType = text(r, '@odata.type', where, 'an authentication method');
  const name = odataType.replace(/^#?microsoft\.graph\./, '');
  const type = METHOD_OF_TYPE[name] ?? 'other';
  const id = text(r, 'id', where, 'an authentication method');
  if (type === 'fido2') {
    const aaguid = r.aaGuid;
    if (typeof aaguid !== 'string' || !GUID.test(aaguid)) throw invalidInput('file', `${where}: a FIDO2 method's "aaGuid" must be a GUID (got ${JSON.stringify(aaguid)})`);
    return { id, type, aaguid: aaguid.toLowerCase(), detail: optionalText(r, 'model', where) ?? optionalText(r, 'displayName', where) ?? 'FIDO2 key' };
  }
  const detail = type === 'phone' ? `${optionalText(r, 'phoneType', where) ?? 'phone'} phone` : (optionalText(r, 'displayName', where) ?? name);
  return { id, type, aaguid: null, detail };
}

/**
 * The FIDO2 configuration of the authentication methods policy: the whole policy
 * (GET /policies/authenticationMethodsPolicy), or the FIDO2 configuration itself. Another
 * method's configuration, in a page of them, is not FIDO2's: null.
 */
export function fido2Policy(value: unknown, where: string): Fido2Policy | null {
  const r = object(value, where, 'the authentication methods policy');
  if (r.authenticationMethodConfigurations !== undefined) {
    const configs = r.authenticationMethodConfigurations;
    if (!Array.isArray(configs)) throw invalidInput('file', `${where}: "authenticationMethodConfigurations" must be a list`);
    const found = configs.map((c, i) => fido2Policy(c, `${where}, configuration ${i + 1}`)).filter((c) => c !== null);
    if (found.length !== 1) throw invalidInput('file', `${where}: the policy holds ${found.length} FIDO2 configurations; one was expected`);
    return found[0]!;
  }
  const type = typeof r['@odata.type'] === 'string' ? r['@odata.type'] : '';
  const isFido2 = /fido2AuthenticationMethodConfiguration$/i.test(type) || (typeof r.id === 'string' && r.id.toLowerCase() === 'fido2');
  if (!isFido2) {
    if (/AuthenticationMethodConfiguration$/i.test(type)) return null;
    throw invalidInput('file', `${where}: not the authentication methods policy nor a method's configuration`);
  }
  const attestation = flag(r, 'isAttestationEnforced', where);
  if (attestation === null) throw invalidInput('file', `${where}: the FIDO2 configuration needs "isAttestationEnforced"`);
  const restrictions = object(r.keyRestrictions, where, '"keyRestrictions"');
  const enforced = flag(restrictions, 'isEnforced', `${where}, keyRestrictions`);
  return {
    state: oneOf(r, 'state', ['enabled', 'disabled'] as const, where, 'the FIDO2 configuration\'s'),
    attestationEnforced: attestation,
    restrictionsEnforced: enforced === true,
    enforcementType: oneOf(restrictions, 'enforcementType', ['allow', 'block'] as const, `${where}, keyRestrictions`, 'the'),
    aaguids: ids(restrictions.aaGuids, `${where}, keyRestrictions`, '"aaGuids"'),
  };
}

/** A user's per-user MFA state (GET /beta/users/{id}/authentication/requirements). */
export function perUserMfaState(value: unknown, where: string): PerUserMfaState {
  const r = object(value, where, 'the per-user MFA requirements');
  return oneOf(r, 'perUserMfaState', ['disabled', 'enabled', 'enforced'] as const, where, 'the');
}

/** An active role assignment (GET /roleManagement/directory/roleAssignmentScheduleInstances). */
export function activeRole(value: unknown, where: string): ActiveRole {
  const r = object(value, where, 'a role assignment instance');
  return {
    principalId: text(r, 'principalId', where, 'a role assignment instance').toLowerCase(),
    roleDefinitionId: text(r, 'roleDefinitionId', where, 'a role assignment instance').toLowerCase(),
    assignmentType: oneOf(r, 'assignmentType', ['Assigned', 'Activated'] as const, where, 'the assignment\'s'),
    end: instant(r, 'endDateTime', where),
  };
}

/** An eligible role assignment (GET /roleManagement/directory/roleEligibilitySchedules or its instances). */
export function eligibleRole(value: unknown, where: string): EligibleRole {
  const r = object(value, where, 'a role eligibility');
  const schedule = r.scheduleInfo === undefined || r.scheduleInfo === null ? null : object(r.scheduleInfo, where, '"scheduleInfo"');
  const expiration = schedule?.expiration === undefined || schedule?.expiration === null ? null : object(schedule.expiration, where, '"scheduleInfo.expiration"');
  return {
    principalId: text(r, 'principalId', where, 'a role eligibility').toLowerCase(),
    roleDefinitionId: text(r, 'roleDefinitionId', where, 'a role eligibility').toLowerCase(),
    end: expiration ? instant(expiration, 'endDateTime', `${where}, scheduleInfo.expiration`) : instant(r, 'endDateTime', where),
  };
}

function policyUsers(users: Fields, side: 'include' | 'exclude', where: string): PolicyUsers {
  const field = (name: string) => `${side}${name}`;
  return { users: ids(users[field('Users')], where, field('Users')), groups: ids(users[field('Groups')], where, field('Groups')), roles: ids(users[field('Roles')], where, field('Roles')) };
}

/** A Conditional Access policy (GET /identity/conditionalAccess/policies). */
export function caPolicy(value: unknown, where: string): CaPolicy {
  const r = object(value, where, 'a Conditional Access policy');
  const id = text(r, 'id', where, 'a Conditional Access policy');
  const conditions = r.conditions === undefined || r.conditions === null ? {} : object(r.conditions, where, '"conditions"');
  const users = conditions.users === undefined || conditions.users === null ? {} : object(conditions.users, where, '"conditions.users"');
  const grant = r.grantControls === undefined || r.grantControls === null ? {} : object(r.grantControls, where, '"grantControls"');
  const strength = grant.authenticationStrength === undefined || grant.authenticationStrength === null ? null : object(grant.authenticationStrength, where, '"authenticationStrength"');
  return {
    id,
    name: optionalText(r, 'displayName', where) ?? id,
    state: oneOf(r, 'state', ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const, where, 'policy'),
    include: policyUsers(users, 'include', where),
    exclude: policyUsers(users, 'exclude', where),
    grant: ids(grant.builtInControls, where, 'builtInControls'),
    authStrength: strength ? (optionalText(strength, 'displayName', where) ?? optionalText(strength, 'id', where) ?? 'an authentication strength') : null,
  };
}

/** A group with its members (GET /groups?$expand=members($select=id)). */
export function groupRecord(value: unknown, where: string): GroupRecord {
  const r = object(value, where, 'a group');
  if (r.members === undefined) throw invalidInput('file', `${where}: a group needs its "members" (export it with $expand=members($select=id))`);
  return { id: text(r, 'id', where, 'a group').toLowerCase(), name: optionalText(r, 'displayName', where) ?? String(r.id), members: objectIds(r.members, where, 'members') };
}
