/**
 * The rules that only Entra's own exports can answer: keys registered outside custody, the FIDO2
 * policy, Global Administrator assignments, Conditional Access exclusions, and the mechanism
 * compared with the administrators'. Without the export a rule needs, it is unknown and says
 * which export to import.
 */
import { AAGUID_MODELS } from '../presence/aaguid-models';
import { GLOBAL_ADMINISTRATOR_ROLE } from './entra-import';
import type { AccountFacts, OrganisationFacts, Outcome } from './posture';
import { forAccount, type CaPolicy, type EvidenceSource, type TenantEvidence } from './tenant-evidence';

const model = (aaguid: string) => AAGUID_MODELS[aaguid] ?? `AAGUID ${aaguid}`;
const heldKeys = (a: AccountFacts) => a.authenticators.filter((k) => k.kind === 'fido2');
const ourAaguids = (accounts: readonly AccountFacts[]) => [...new Set(accounts.flatMap((a) => heldKeys(a).flatMap((k) => (k.aaguid ? [k.aaguid.toLowerCase()] : []))))];
const sourcesOf = (...s: (EvidenceSource | undefined | null)[]) => s.filter((x): x is EvidenceSource => Boolean(x));

/** Each FIDO2 key Entra has registered on an account must be one Keyward holds for it: the same model, no more of them than Keyward holds. */
export function keysInCustodyRule(accounts: readonly AccountFacts[], evidence: TenantEvidence): Outcome {
  const sources: EvidenceSource[] = [];
  let result: Outcome['result'] = accounts.length ? 'pass' : 'unknown';
  const worse = (r: Outcome['result']) => {
    if (r === 'fail' || (r === 'unknown' && result === 'pass')) result = r;
  };
  const parts = accounts.map((a) => {
    const methods = forAccount(evidence.methods, a);
    if (!methods) {
      worse('unknown');
      return `${a.upn}: its authentication methods are not imported`;
    }
    sources.push(methods.source);
    const registered = methods.value.filter((m) => m.type === 'fido2');
    const held = heldKeys(a);
    const unenrolled = held.filter((k) => !k.aaguid).length;
    const outside: string[] = [];
    let extra = 0;
    for (const aaguid of new Set(registered.map((m) => m.aaguid!))) {
      const count = registered.filter((m) => m.aaguid === aaguid).length;
      const ours = held.filter((k) => k.aaguid?.toLowerCase() === aaguid).length;
      if (count > ours) extra += count - ours;
      if (count > ours) outside.push(`${count} ${model(aaguid)} key(s) (${registered.filter((m) => m.aaguid === aaguid).map((m) => m.detail).join(', ')}) against ${ours} held`);
    }
    if (extra && extra > unenrolled) worse('fail');
    else if (extra) worse('unknown');
    const heldText = held.length ? held.map((k) => `${k.label} (${k.aaguid ? model(k.aaguid) : 'not enrolled'})`).join(', ') : 'none';
    return `${a.upn}: ${registered.length} FIDO2 key(s) registered, Keyward holds ${heldText}${outside.length ? `; OUTSIDE CUSTODY: ${outside.join('; ')}${extra <= unenrolled ? ' (enrol the held keys to compare)' : ''}` : ''}`;
  });
  return { result, evidence: parts.join('; ') || 'no accounts', sources, judged: accounts.map((a) => a.upn) };
}

/** FIDO2 on, attestation enforced (so AAGUIDs can be trusted), and key restrictions that let our keys' models in. */
export function fido2PolicyRule(accounts: readonly AccountFacts[], evidence: TenantEvidence): Outcome {
  const policy = evidence.fido2Policy;
  if (!policy) return { result: 'unknown', evidence: 'the authentication methods policy is not imported' };
  const p = policy.value;
  const ours = ourAaguids(accounts);
  const problems: string[] = [];
  if (p.state !== 'enabled') problems.push('FIDO2 is DISABLED in the authentication methods policy');
  if (!p.attestationEnforced) problems.push('attestation is NOT ENFORCED (a key can claim any model)');
  if (p.restrictionsEnforced) {
    const blocked = ours.filter((g) => (p.enforcementType === 'allow' ? !p.aaguids.includes(g) : p.aaguids.includes(g)));
    if (blocked.length) problems.push(`key restrictions (${p.enforcementType} list) BLOCK our keys' ${blocked.map(model).join(', ')}`);
  }
  const restrictions = p.restrictionsEnforced ? `${p.enforcementType} list of ${p.aaguids.length} AAGUID(s)` : 'no key restrictions';
  return {
    result: problems.length ? 'fail' : ours.length ? 'pass' : 'unknown',
    evidence: `${problems.join('; ') || `FIDO2 ${p.state}, attestation enforced`}; ${restrictions}; our keys: ${ours.map(model).join(', ') || 'none enrolled'}`,
    sources: [policy.source],
    judged: ['Fido2', ...ours],
  };
}

/** Global Administrators, active or eligible, counted across the tenant (CISA ScubaGear MS.AAD.7.1: two to eight). */
export function gaCountRule(evidence: TenantEvidence): Outcome {
  if (!evidence.activeRoles) return { result: 'unknown', evidence: 'the active role assignments (roleAssignmentScheduleInstances) are not imported' };
  const principals = new Set([...evidence.activeRoles.value, ...(evidence.eligibleRoles?.value ?? [])].filter((r) => r.roleDefinitionId === GLOBAL_ADMINISTRATOR_ROLE).map((r) => r.principalId));
  const n = principals.size;
  return {
    result: n >= 2 && n <= 8 ? 'pass' : 'fail',
    evidence: `${n} Global Administrator(s), active or eligible${n < 2 ? ': fewer than two' : n > 8 ? ': more than eight' : ''}${evidence.eligibleRoles ? '' : ' (eligible assignments not imported)'}`,
    sources: sourcesOf(evidence.activeRoles.source, evidence.eligibleRoles?.source),
    judged: [...principals],
  };
}

/** Permanent and active: a standing assignment with no end. A PIM activation is time-bound; eligible only is not active. */
export function gaPermanentRule(accounts: readonly AccountFacts[], evidence: TenantEvidence): Outcome {
  const active = evidence.activeRoles!.value.filter((r) => r.roleDefinitionId === GLOBAL_ADMINISTRATOR_ROLE);
  const eligible = (evidence.eligibleRoles?.value ?? []).filter((r) => r.roleDefinitionId === GLOBAL_ADMINISTRATOR_ROLE);
  const verdicts = accounts.map((a) => {
    const id = a.objectId.toLowerCase();
    const mine = active.filter((r) => r.principalId === id);
    if (mine.some((r) => r.assignmentType === 'Assigned' && r.end === null)) return { ok: true, text: `${a.upn}: permanent and active` };
    const activation = mine.find((r) => r.assignmentType === 'Activated');
    if (activation) return { ok: false, text: `${a.upn}: only a PIM activation, time-bound${activation.end ? ` until ${activation.end}` : ''}` };
    const bounded = mine.find((r) => r.end !== null);
    if (bounded) return { ok: false, text: `${a.upn}: assigned, but time-bound until ${bounded.end}` };
    if (eligible.some((r) => r.principalId === id)) return { ok: false, text: `${a.upn}: ELIGIBLE ONLY, not active` };
    return { ok: false, text: `${a.upn}: no Global Administrator assignment` };
  });
  return {
    result: accounts.length === 0 ? 'unknown' : verdicts.every((v) => v.ok) ? 'pass' : 'fail',
    evidence: verdicts.map((v) => v.text).join('; ') || 'no accounts',
    sources: sourcesOf(evidence.activeRoles!.source, evidence.eligibleRoles?.source),
    judged: accounts.map((a) => a.upn),
  };
}

/** Whether a policy excludes an account: by user, through a group it is in, or through a role it holds. */
function excludes(policy: CaPolicy, a: AccountFacts, evidence: TenantEvidence): { yes: boolean; how: string; unknownGroups: string[] } {
  const id = a.objectId.toLowerCase();
  if (policy.exclude.users.includes(id)) return { yes: true, how: 'directly', unknownGroups: [] };
  const memberOf = forAccount(evidence.users, a)?.value.groups ?? [];
  const viaGroup = policy.exclude.groups.find((g) => memberOf.includes(g) || evidence.groups.get(g)?.value.members.includes(id));
  if (viaGroup) return { yes: true, how: `through group ${evidence.groups.get(viaGroup)?.value.name ?? viaGroup}`, unknownGroups: [] };
  const roles = (evidence.activeRoles?.value ?? []).filter((r) => r.principalId === id).map((r) => r.roleDefinitionId);
  const viaRole = policy.exclude.roles.find((r) => roles.includes(r));
  if (viaRole) return { yes: true, how: `through role ${viaRole === GLOBAL_ADMINISTRATOR_ROLE ? 'Global Administrator' : viaRole}`, unknownGroups: [] };
  return { yes: false, how: '', unknownGroups: policy.exclude.groups.filter((g) => !evidence.groups.has(g)) };
}

export function caExcludedRule(accounts: readonly AccountFacts[], org: OrganisationFacts, evidence: TenantEvidence): Outcome {
  const ca = evidence.caPolicies;
  if (!ca) {
    if (org.caStance === 'phishing-resistant') return { result: 'unknown', evidence: 'stance: phishing-resistant; the Conditional Access policies are not imported, so it cannot be judged' };
    const excluded = accounts.filter((a) => a.excludedFromAllConditionalAccess === 'yes');
    return {
      result: excluded.length ? 'pass' : accounts.some((a) => a.excludedFromAllConditionalAccess === 'unknown') ? 'unknown' : 'fail',
      evidence: `excluded from all policies (recorded by hand): ${excluded.map((a) => a.upn).join(', ') || 'none'}`,
      sources: excluded.flatMap((a) => (a.factsSource ? [a.factsSource] : [])),
      judged: accounts.map((a) => a.upn),
    };
  }
  // Report-only and disabled policies block nobody.
  const enforced = ca.value.filter((p) => p.state === 'enabled');
  const sources = sourcesOf(ca.source, evidence.activeRoles?.source, ...[...evidence.groups.values()].map((g) => g.source), ...accounts.map((a) => forAccount(evidence.users, a)?.source));
  const judged = enforced.map((p) => p.name);
  const byPolicy = enforced.map((p) => ({ p, per: accounts.map((a) => ({ a, ...excludes(p, a, evidence) })) }));
  const none = byPolicy.filter(({ per }) => !per.some((x) => x.yes));
  const unknownGroups = [...new Set(none.flatMap(({ per }) => per.flatMap((x) => x.unknownGroups)))];
  const fromAll = accounts.filter((a) => byPolicy.every(({ per }) => per.find((x) => x.a === a)!.yes));
  if (org.caStance === 'phishing-resistant') {
    const unprotected = none.filter(({ p }) => p.grant.includes('block') || p.authStrength === null);
    return {
      result: unprotected.length ? (unknownGroups.length ? 'unknown' : 'fail') : 'pass',
      evidence: unprotected.length
        ? `policies that apply to the emergency accounts without an authentication strength, or that block: ${unprotected.map(({ p }) => `"${p.name}"`).join(', ')}`
        : `${enforced.length} enabled polic(ies): each excludes an emergency account or requires an authentication strength`,
      sources, judged,
    };
  }
  const evidenceText = [
    `${enforced.length} enabled polic(ies)`,
    none.length ? `excluding NO emergency account: ${none.map(({ p }) => `"${p.name}"`).join(', ')}` : '',
    fromAll.length ? `excluded from all: ${fromAll.map((a) => `${a.upn} (${byPolicy.map(({ p, per }) => `"${p.name}" ${per.find((x) => x.a === a)!.how}`).join(', ') || 'no policy applies'})`).join('; ')}` : 'no account is excluded from all of them',
    unknownGroups.length ? `members not imported for excluded group(s) ${unknownGroups.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  return { result: fromAll.length ? 'pass' : unknownGroups.length ? 'unknown' : 'fail', evidence: evidenceText, sources, judged };
}

/** Each account's mechanism, from its bound authenticators: the FIDO2 models by AAGUID, or a smartcard certificate. */
function mechanismOf(a: AccountFacts): string[] | null {
  if (a.authenticators.length === 0 || a.authenticators.some((k) => k.kind === 'fido2' && !k.aaguid)) return null;
  return [...new Set(a.authenticators.map((k) => (k.kind === 'fido2' ? `fido2:${k.aaguid!.toLowerCase()}` : 'smartcard')))].sort();
}
const describeMechanism = (tokens: readonly string[]) => tokens.map((t) => (t === 'smartcard' ? 'smartcard certificate' : `FIDO2 ${model(t.slice(6))}`)).join(' + ');

export function distinctMechanismRule(accounts: readonly AccountFacts[], evidence: TenantEvidence): Outcome {
  const mechanisms = accounts.map((a) => ({ a, tokens: mechanismOf(a) }));
  const clashes: string[] = [];
  for (let i = 0; i < mechanisms.length; i += 1) {
    for (let j = i + 1; j < mechanisms.length; j += 1) {
      const [x, y] = [mechanisms[i]!, mechanisms[j]!];
      if (x.tokens && y.tokens && x.tokens.join() === y.tokens.join()) clashes.push(`${x.a.upn} and ${y.a.upn} both use ${describeMechanism(x.tokens)}`);
    }
  }
  // The administrators' mechanisms: the imported methods of users who are not emergency accounts.
  const emergency = new Set(accounts.flatMap((a) => [a.objectId.toLowerCase(), a.upn.toLowerCase()]));
  const admins = [...evidence.methods].filter(([user]) => !emergency.has(user));
  for (const [user, methods] of admins) {
    const theirs = new Set(methods.value.flatMap((m) => (m.type === 'fido2' ? [`fido2:${m.aaguid}`] : m.type === 'x509Certificate' ? ['smartcard'] : [])));
    for (const { a, tokens } of mechanisms) {
      const shared = (tokens ?? []).filter((t) => theirs.has(t));
      if (shared.length) clashes.push(`${a.upn} shares ${describeMechanism(shared)} with administrator ${user}`);
    }
  }
  const unread = mechanisms.filter((m) => !m.tokens).map((m) => m.a.upn);
  return {
    result: clashes.length ? 'fail' : accounts.length === 0 || unread.length || admins.length === 0 ? 'unknown' : 'pass',
    evidence: [
      mechanisms.map(({ a, tokens }) => `${a.upn}: ${tokens ? describeMechanism(tokens) : 'no enrolled authenticator to tell'}`).join('; ') || 'no accounts',
      clashes.length ? `CLASH: ${clashes.join('; ')}` : '',
      admins.length ? `administrators compared: ${admins.map(([u]) => u).join(', ')}` : "administrators' methods not imported",
    ].filter(Boolean).join('; '),
    sources: admins.map(([, m]) => m.source),
    judged: [...accounts.map((a) => a.upn), ...admins.map(([u]) => u)],
  };
}
