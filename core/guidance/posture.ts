/**
 * The guidance's requirements as pure rules over evidence: what Entra's own exports say first,
 * what someone recorded by hand where no export says it. Each rule gives pass, fail, unknown (a
 * fact nobody has recorded is unknown, never assumed) or stale (it would pass, but on evidence
 * older than the organisation's evidence interval), with the evidence it used, where that came
 * from, the objects it judged, and the sentence of the guidance it enforces.
 */
import { describeSource, NO_EVIDENCE, forAccount, PHONE_METHODS, type EvidenceSource, type TenantEvidence } from './tenant-evidence';
import { caExcludedRule, distinctMechanismRule, fido2PolicyRule, gaCountRule, gaPermanentRule, keysInCustodyRule } from './tenant-rules';
import { cleanupScopeRule, type CleanupAttestation } from './cleanup-scope';
import { deviceReachableRule, type AccessList } from './place-access';

export type Tristate = 'yes' | 'no' | 'unknown';

/** An authenticator bound to an account (drill items never are evidence: the caller leaves them out). */
export interface BoundItem {
  readonly label: string;
  readonly kind: 'fido2' | 'smartcard';
  readonly place: string | null;
  readonly expiresAt: string | null;
  /** A FIDO2 key's AAGUID, known once Keyward enrolled it. */
  readonly aaguid?: string | null;
  /** Out of the safe now: with whom, since when, and when it was due back. */
  readonly out?: { readonly custodian: string; readonly since: string; readonly expectedReturn: string } | null;
  /** Recorded as lost: bound still, but no key anyone can use. */
  readonly lost?: boolean;
}

export interface AccountFacts {
  readonly upn: string;
  readonly objectId: string;
  /** Cloud-only, not federated or synchronised (onPremisesSyncEnabled and onPremisesImmutableId empty). */
  readonly cloudOnly: Tristate;
  /** Global Administrator: assigned permanently, eligible only, or not at all. */
  readonly globalAdmin: 'permanent' | 'eligible' | 'none' | 'unknown';
  readonly excludedFromAllConditionalAccess: Tristate;
  readonly phoneMfa: Tristate;
  readonly perUserMfa: Tristate;
  /** Free text kept for the record; the mechanism rule reads the bound authenticators instead. */
  readonly mechanism: string;
  readonly authenticators: readonly BoundItem[];
  /** A personal phone, personal key or other employee-specific method registered to the account. */
  readonly personalMethods: Tristate;
  /** When and where the typed facts were recorded; null if never. */
  readonly factsSource?: EvidenceSource | null;
}

export interface OrganisationFacts {
  /** The mechanism the organisation's normal administrators use (free text, for the record). */
  readonly adminMechanism: string;
  readonly signInMonitoring: Tristate;
  /** The organisation's stance on Conditional Access for emergency accounts. */
  readonly caStance: 'exclude' | 'phishing-resistant';
  /** Certificates expiring within this many days are a finding (default 90, one validation cycle). */
  readonly expiryWindowDays: number;
  /** Days between an item's presence checks and between network-path proofs (default 90, the quarterly check). */
  readonly checkIntervalDays: number;
  /** Facts and Entra imports older than this many days leave their rule stale (default 90). */
  readonly evidenceIntervalDays: number;
}

/** warn: met today, but about to stop being met (a certificate expiring within the window). stale: met on evidence too old to rely on. */
export type RuleResult = 'pass' | 'warn' | 'stale' | 'fail' | 'unknown';

export interface PostureRule {
  readonly id: string;
  readonly title: string;
  readonly result: RuleResult;
  readonly evidence: string;
  readonly guidance: string;
  /** The exports and recorded facts the verdict rests on. */
  readonly sources: readonly EvidenceSource[];
  /** The objects it judged: accounts, policies, keys. */
  readonly judged: readonly string[];
}

export interface Outcome {
  readonly result: RuleResult;
  readonly evidence: string;
  readonly sources?: readonly EvidenceSource[];
  readonly judged?: readonly string[];
}

export const G = {
  twoAccounts: 'The secret, create two or more emergency access accounts in your organization.',
  cloudOnly: 'These accounts should be cloud-only accounts that use the .onmicrosoft.com domain and that aren\'t federated or synchronized from an on-premises environment.',
  enabled: 'Microsoft Entra ID prevents the last Global Administrator account from being deleted, but it doesn\'t prevent the account from being deleted or disabled on-premises.',
  notPersonal:
    'The emergency access accounts shouldn\'t be associated with any individual user in the organization. … Any registered devices need to be kept in known, secure location.',
  distinct: 'The authentication mechanism used for an emergency access account should be distinct. Keep it separate from that used by your other administrative accounts, including other emergency-access accounts.',
  noExpiry: 'The device or credential must not expire or be in scope of automated cleanup due to lack of use.',
  permanent: 'You should make the Global Administrator role assignment permanent for your emergency access accounts.',
  caExcluded: 'At least one emergency access account should be excluded from all Conditional Access policies.',
  phoneMfa: 'However, at least one of your emergency access accounts shouldn\'t have the same multifactor authentication mechanism as your other non-emergency accounts.',
  perUserMfa: 'Additionally, you should make sure the accounts don\'t have a per-user multifactor authentication policy.',
  reachable: 'If the accounts are registered for multifactor authentication to a device, for use during sign-in or role activation, ensure that the device is accessible to all administrators who might need to use it during an emergency.',
  monitoring: 'Organizations should monitor sign in and audit log activity from the emergency accounts and trigger notifications to other administrators.',
} as const;

const list = (items: readonly string[]) => items.join(', ') || 'none';
const DAY = 86_400_000;

interface Judged {
  readonly value: Tristate;
  readonly text: string;
  readonly source: EvidenceSource | null | undefined;
}

function perAccount(accounts: readonly AccountFacts[], judge: (a: AccountFacts) => Judged): Outcome {
  if (accounts.length === 0) return { result: 'unknown', evidence: 'no emergency accounts are recorded' };
  const values = accounts.map((a) => [a, judge(a)] as const);
  const result: RuleResult = values.some(([, v]) => v.value === 'no') ? 'fail' : values.some(([, v]) => v.value === 'unknown') ? 'unknown' : 'pass';
  return { result, evidence: values.map(([a, v]) => `${a.upn}: ${v.text}`).join('; '), sources: values.flatMap(([, v]) => (v.source ? [v.source] : [])), judged: accounts.map((a) => a.upn) };
}

const typed = (a: AccountFacts, value: Tristate, text: string): Judged => ({ value, text: value === 'unknown' ? text : `${text} (recorded by hand)`, source: value === 'unknown' ? null : a.factsSource });

function overdue(item: BoundItem, now: Date): boolean {
  return Boolean(item.out && Date.parse(item.out.expectedReturn) < now.getTime());
}

/** What custodians attested and recorded where no export answers: cleanup exclusions, who can open each place, who the custodians are. */
export interface AttestedEvidence {
  readonly cleanup: readonly CleanupAttestation[];
  /** The newest access list of each storage place, by the place's name. */
  readonly accessLists: ReadonlyMap<string, AccessList>;
  /** Active custodians with a real key: the people who may need to reach a key in an emergency. */
  readonly custodians: readonly string[];
}
export const NOTHING_ATTESTED: AttestedEvidence = { cleanup: [], accessLists: new Map(), custodians: [] };

export function judgePosture(
  accounts: readonly AccountFacts[],
  org: OrganisationFacts,
  now: Date,
  evidence: TenantEvidence = NO_EVIDENCE,
  orgSource: EvidenceSource | null = null,
  attested: AttestedEvidence = NOTHING_ATTESTED,
): PostureRule[] {
  const rules: PostureRule[] = [];
  const add = (id: string, title: string, guidance: string, outcome: Outcome) => rules.push(staleOr({ id, title, guidance, result: outcome.result, evidence: outcome.evidence, sources: dedupe(outcome.sources ?? []), judged: outcome.judged ?? [] }, org, now));

  add('two-accounts', 'At least two emergency access accounts', G.twoAccounts, {
    result: accounts.length >= 2 ? 'pass' : 'fail',
    evidence: `${accounts.length} recorded: ${list(accounts.map((a) => a.upn))}`,
    judged: accounts.map((a) => a.upn),
  });
  add('cloud-only', 'Cloud-only on the .onmicrosoft.com domain, not synchronised', G.cloudOnly, perAccount(accounts, (a) => {
    if (!a.upn.endsWith('.onmicrosoft.com')) return { value: 'no', text: 'not on an .onmicrosoft.com domain', source: null };
    const user = forAccount(evidence.users, a);
    if (user && user.value.synced !== null) return { value: user.value.synced ? 'no' : 'yes', text: user.value.synced ? 'synchronised from on-premises' : 'cloud-only', source: user.source };
    return typed(a, a.cloudOnly, a.cloudOnly === 'yes' ? 'cloud-only' : a.cloudOnly === 'no' ? 'synchronised or federated' : 'sync state not recorded or imported');
  }));
  add('accounts-enabled', 'Enabled in Entra ID', G.enabled, perAccount(accounts, (a) => {
    const user = forAccount(evidence.users, a);
    if (!user || user.value.enabled === null) return { value: 'unknown', text: 'accountEnabled not imported', source: null };
    return { value: user.value.enabled ? 'yes' : 'no', text: user.value.enabled ? 'enabled' : 'DISABLED', source: user.source };
  }));
  add('not-personal', 'Not tied to an individual; authenticators kept at a known place', G.notPersonal, perAccount(accounts, (a) => {
    const methods = forAccount(evidence.methods, a);
    const phones = methods?.value.filter((m) => PHONE_METHODS.includes(m.type)) ?? [];
    const late = a.authenticators.filter((k) => overdue(k, now));
    const placeless = a.authenticators.filter((k) => !k.place);
    const personal: Tristate = methods ? (phones.length ? 'yes' : 'no') : a.personalMethods;
    const parts = [
      methods ? (phones.length ? `personal methods REGISTERED: ${phones.map((m) => m.detail).join(', ')}` : 'no personal methods registered') : `personal methods ${a.personalMethods === 'yes' ? 'REGISTERED (recorded by hand)' : a.personalMethods === 'no' ? 'none (recorded by hand)' : 'not recorded'}`,
      a.authenticators.length === 0 ? 'no authenticator recorded' : a.authenticators.map((k) => `${k.label} ${k.place ? `kept at ${k.place}` : 'kept nowhere recorded'}`).join(', '),
      ...late.map((k) => `${k.label} OUT with ${k.out!.custodian} since ${k.out!.since.slice(0, 10)}, due back ${k.out!.expectedReturn.slice(0, 16).replace('T', ' ')} UTC`),
    ];
    const value: Tristate = personal === 'yes' || placeless.length || late.length ? 'no' : a.authenticators.length === 0 || personal === 'unknown' ? 'unknown' : 'yes';
    return { value, text: parts.join('; '), source: methods ? methods.source : a.personalMethods === 'unknown' ? null : a.factsSource };
  }));
  add('device-reachable', 'Every account\'s key within reach: two or more named people can open each place, every custodian a place of each account', G.reachable, deviceReachableRule(accounts, attested.accessLists, attested.custodians));
  add('keys-in-custody', 'Every FIDO2 key registered on an account is one Keyward holds', G.notPersonal, keysInCustodyRule(accounts, evidence));
  add('distinct-mechanism', "Each account's mechanism distinct from the others' and from normal administrators'", G.distinct, distinctMechanismRule(accounts, evidence));
  add('no-expiry', 'No credential that expires unnoticed', G.noExpiry, noExpiry(accounts, org, now));
  add('no-cleanup-scope', 'Not in scope of automated cleanup for lack of use (attested per account, the cleanups named)', G.noExpiry, cleanupScopeRule(accounts, attested.cleanup));
  add('ga-permanent', 'Global Administrator assigned permanently and active', G.permanent, evidence.activeRoles ? gaPermanentRule(accounts, evidence) : perAccount(accounts, (a) =>
    typed(a, a.globalAdmin === 'permanent' ? 'yes' : a.globalAdmin === 'unknown' ? 'unknown' : 'no', a.globalAdmin === 'unknown' ? 'assignment not recorded or imported' : a.globalAdmin),
  ));
  add('ga-count', 'Between two and eight Global Administrators in the tenant', G.permanent, gaCountRule(evidence));
  add('ca-excluded', org.caStance === 'exclude' ? 'At least one account excluded from every Conditional Access policy' : 'Protected by phishing-resistant authentication through Conditional Access (the organisation\'s recorded stance)', G.caExcluded, caExcludedRule(accounts, org, evidence));
  add('no-phone-mfa', 'No phone, SMS or Authenticator method on an emergency account', G.phoneMfa, phoneMfa(accounts, evidence));
  add('fido2-policy', 'FIDO2 allowed for our keys, with attestation enforced', G.distinct, fido2PolicyRule(accounts, evidence));
  add('no-per-user-mfa', 'No per-user MFA', G.perUserMfa, perAccount(accounts, (a) => {
    const state = forAccount(evidence.perUserMfa, a);
    if (state) return { value: state.value === 'disabled' ? 'yes' : 'no', text: state.value === 'disabled' ? 'per-user MFA disabled' : `per-user MFA ${state.value.toUpperCase()}`, source: state.source };
    return typed(a, a.perUserMfa === 'unknown' ? 'unknown' : a.perUserMfa === 'no' ? 'yes' : 'no', a.perUserMfa === 'unknown' ? 'not recorded or imported' : a.perUserMfa === 'yes' ? 'per-user MFA is on' : 'none');
  }));
  add('monitoring', 'Sign-in monitoring configured', G.monitoring, {
    result: org.signInMonitoring === 'yes' ? 'pass' : org.signInMonitoring === 'no' ? 'fail' : 'unknown',
    evidence: `recorded by hand as ${org.signInMonitoring}`,
    sources: org.signInMonitoring !== 'unknown' && orgSource ? [orgSource] : [],
  });
  return rules;
}

function phoneMfa(accounts: readonly AccountFacts[], evidence: TenantEvidence): Outcome {
  const judged = accounts.map((a) => {
    const methods = forAccount(evidence.methods, a);
    if (methods) {
      const phones = methods.value.filter((m) => PHONE_METHODS.includes(m.type));
      return { a, imported: true, phone: phones.length ? ('yes' as const) : ('no' as const), text: phones.length ? `${a.upn}: ${phones.map((m) => `${m.type} (${m.detail})`).join(', ')}` : `${a.upn}: none registered`, source: methods.source };
    }
    return { a, imported: false, phone: a.phoneMfa, text: `${a.upn}: ${a.phoneMfa === 'unknown' ? 'not recorded or imported' : a.phoneMfa === 'yes' ? 'phone-based MFA (recorded by hand)' : 'none (recorded by hand)'}`, source: a.phoneMfa === 'unknown' ? null : (a.factsSource ?? null) };
  });
  const sources = judged.flatMap((j) => (j.source ? [j.source] : []));
  const base = { evidence: judged.map((j) => j.text).join('; ') || 'no accounts', sources, judged: accounts.map((a) => a.upn) };
  // Imported methods: none may be on a phone. Recorded by hand: at least one account without, as the guidance says.
  if (judged.some((j) => j.imported && j.phone === 'yes')) return { result: 'fail', ...base };
  if (judged.some((j) => j.phone === 'no')) return { result: judged.some((j) => j.imported && j.phone === 'unknown') ? 'unknown' : 'pass', ...base };
  return { result: judged.some((j) => j.phone === 'unknown') || accounts.length === 0 ? 'unknown' : 'fail', ...base };
}

function noExpiry(accounts: readonly AccountFacts[], org: OrganisationFacts, now: Date): Outcome {
  // FIDO2 keys do not expire; a smartcard's certificate does, and is unknown until it is read.
  const all = accounts.flatMap((a) => a.authenticators.map((k) => ({ a, k })));
  const dated = all.filter(({ k }) => k.expiresAt).map(({ a, k }) => ({ a, k, left: Math.floor((Date.parse(k.expiresAt!) - now.getTime()) / DAY), over: Date.parse(k.expiresAt!) <= now.getTime() }));
  const expired = dated.filter((d) => d.over);
  const expiring = dated.filter((d) => !d.over && d.left < org.expiryWindowDays);
  const unread = all.filter(({ k }) => k.kind === 'smartcard' && !k.expiresAt);
  return {
    result: expired.length ? 'fail' : all.length === 0 || unread.length ? 'unknown' : expiring.length ? 'warn' : 'pass',
    evidence: [
      ...dated.map(({ a, k, left, over }) => `${a.upn}: ${k.label} ${over ? 'EXPIRED' : 'expires'} ${k.expiresAt!.slice(0, 10)}${over ? '' : left < org.expiryWindowDays ? ` (in ${left} day(s), within the ${org.expiryWindowDays}-day window)` : ''}`),
      ...unread.map(({ k }) => `${k.label}: certificate dates not read yet (enrol the card)`),
      ...(all.length === 0 ? ['no authenticator is bound to an account'] : []),
    ].join('; ') || 'only FIDO2 keys, which do not expire',
    judged: all.map(({ k }) => k.label),
  };
}

function dedupe(sources: readonly EvidenceSource[]): EvidenceSource[] {
  const seen = new Map<string, EvidenceSource>();
  for (const s of sources) seen.set(`${s.file}|${s.seq}|${s.recordedAt}`, s);
  return [...seen.values()].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

/** A rule that would pass on evidence older than the interval is stale: a warning, never a pass. */
function staleOr(rule: PostureRule, org: OrganisationFacts, now: Date): PostureRule {
  const named = rule.sources.length ? `${rule.evidence} [from ${rule.sources.map(describeSource).join('; ')}]` : rule.evidence;
  const old = rule.sources.filter((s) => now.getTime() - Date.parse(s.recordedAt) > org.evidenceIntervalDays * DAY);
  if (rule.result !== 'pass' || old.length === 0) return { ...rule, evidence: named };
  return { ...rule, result: 'stale', evidence: `${named}; STALE: ${old.map((s) => `${s.file} of ${s.recordedAt.slice(0, 10)}`).join(', ')} older than the ${org.evidenceIntervalDays}-day evidence interval` };
}
