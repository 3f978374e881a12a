/**
 * The guidance's requirements as pure rules over recorded facts. Each rule gives pass, fail or
 * unknown (a fact nobody has recorded is unknown, never assumed), the evidence it used, and the
 * sentence of the guidance it enforces.
 */
export type Tristate = 'yes' | 'no' | 'unknown';

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
  /** How the account authenticates, e.g. "FIDO2 key", "certificate on smartcard". */
  readonly mechanism: string;
  /** Authenticators bound to it, with where they are kept and whether one belongs to a person. */
  readonly authenticators: readonly { readonly label: string; readonly kind: 'fido2' | 'smartcard'; readonly place: string | null; readonly expiresAt: string | null }[];
  /** A personal phone, personal key or other employee-specific method registered to the account. */
  readonly personalMethods: Tristate;
}

export interface OrganisationFacts {
  /** The mechanism the organisation's normal administrators use. */
  readonly adminMechanism: string;
  readonly signInMonitoring: Tristate;
  /** The organisation's stance on Conditional Access for emergency accounts. */
  readonly caStance: 'exclude' | 'phishing-resistant';
  /** Certificates expiring within this many days are a finding (default 90, one validation cycle). */
  readonly expiryWindowDays: number;
  /** Days between an item's presence checks and between network-path proofs (default 90, the quarterly check). */
  readonly checkIntervalDays: number;
}

/** warn: met today, but about to stop being met (a certificate expiring within the window). */
export type RuleResult = 'pass' | 'warn' | 'fail' | 'unknown';

export interface PostureRule {
  readonly id: string;
  readonly title: string;
  readonly result: RuleResult;
  readonly evidence: string;
  readonly guidance: string;
}

const G = {
  twoAccounts: 'The secret, create two or more emergency access accounts in your organization.',
  cloudOnly: 'These accounts should be cloud-only accounts that use the .onmicrosoft.com domain and that aren\'t federated or synchronized from an on-premises environment.',
  notPersonal:
    'The emergency access accounts shouldn\'t be associated with any individual user in the organization. … Any registered devices need to be kept in known, secure location.',
  distinct: 'The authentication mechanism used for an emergency access account should be distinct. Keep it separate from that used by your other administrative accounts, including other emergency-access accounts.',
  noExpiry: 'The device or credential must not expire or be in scope of automated cleanup due to lack of use.',
  permanent: 'You should make the Global Administrator role assignment permanent for your emergency access accounts.',
  caExcluded: 'At least one emergency access account should be excluded from all Conditional Access policies.',
  phoneMfa: 'However, at least one of your emergency access accounts shouldn\'t have the same multifactor authentication mechanism as your other non-emergency accounts.',
  perUserMfa: 'Additionally, you should make sure the accounts don\'t have a per-user multifactor authentication policy.',
  monitoring: 'Organizations should monitor sign in and audit log activity from the emergency accounts and trigger notifications to other administrators.',
} as const;

const list = (items: readonly string[]) => items.join(', ') || 'none';

function perAccount(accounts: readonly AccountFacts[], check: (a: AccountFacts) => Tristate, describe: (a: AccountFacts, v: Tristate) => string): { result: RuleResult; evidence: string } {
  if (accounts.length === 0) return { result: 'unknown', evidence: 'no emergency accounts are recorded' };
  const values = accounts.map((a) => [a, check(a)] as const);
  const result: RuleResult = values.some(([, v]) => v === 'no') ? 'fail' : values.some(([, v]) => v === 'unknown') ? 'unknown' : 'pass';
  return { result, evidence: values.map(([a, v]) => describe(a, v)).join('; ') };
}

export function judgePosture(accounts: readonly AccountFacts[], org: OrganisationFacts, now: Date): PostureRule[] {
  const rules: PostureRule[] = [];
  const add = (id: string, title: string, guidance: string, outcome: { result: RuleResult; evidence: string }) => rules.push({ id, title, guidance, ...outcome });

  add('two-accounts', 'At least two emergency access accounts', G.twoAccounts, {
    result: accounts.length >= 2 ? 'pass' : 'fail',
    evidence: `${accounts.length} recorded: ${list(accounts.map((a) => a.upn))}`,
  });
  add('cloud-only', 'Cloud-only on the .onmicrosoft.com domain, not synchronised', G.cloudOnly, perAccount(
    accounts,
    (a) => (!a.upn.endsWith('.onmicrosoft.com') ? 'no' : a.cloudOnly),
    (a, v) => `${a.upn}: ${!a.upn.endsWith('.onmicrosoft.com') ? 'not on an .onmicrosoft.com domain' : v === 'yes' ? 'cloud-only' : v === 'no' ? 'synchronised or federated' : 'sync state not recorded'}`,
  ));
  add('not-personal', 'Not tied to an individual; authenticators kept at a known place', G.notPersonal, perAccount(
    accounts,
    (a) => (a.personalMethods === 'yes' || a.authenticators.some((k) => !k.place) ? 'no' : a.authenticators.length === 0 || a.personalMethods === 'unknown' ? 'unknown' : 'yes'),
    (a) =>
      `${a.upn}: personal methods ${a.personalMethods === 'yes' ? 'REGISTERED' : a.personalMethods === 'no' ? 'none' : 'not recorded'}; ${
        a.authenticators.length === 0 ? 'no authenticator recorded' : a.authenticators.map((k) => `${k.label} ${k.place ? `kept at ${k.place}` : 'kept nowhere recorded'}`).join(', ')
      }`,
  ));
  const mechanisms = accounts.map((a) => a.mechanism.trim().toLowerCase());
  const clash = accounts.filter((a, i) => a.mechanism && (mechanisms.indexOf(mechanisms[i]!) !== i || mechanisms[i] === org.adminMechanism.trim().toLowerCase()));
  add('distinct-mechanism', "Each account's mechanism distinct from the others' and from normal administrators'", G.distinct, {
    result: clash.length ? 'fail' : accounts.length === 0 || accounts.some((a) => !a.mechanism) || !org.adminMechanism ? 'unknown' : 'pass',
    evidence: `${accounts.map((a) => `${a.upn}: ${a.mechanism || 'not recorded'}`).join('; ') || 'no accounts'}; normal administrators: ${org.adminMechanism || 'not recorded'}`,
  });
  // FIDO2 keys do not expire; a smartcard's certificate does, and is unknown until it is read.
  const all = accounts.flatMap((a) => a.authenticators.map((k) => ({ a, k })));
  const dated = all.filter(({ k }) => k.expiresAt).map(({ a, k }) => ({ a, k, left: Math.floor((Date.parse(k.expiresAt!) - now.getTime()) / 86_400_000), over: Date.parse(k.expiresAt!) <= now.getTime() }));
  const expired = dated.filter((d) => d.over);
  const expiring = dated.filter((d) => !d.over && d.left < org.expiryWindowDays);
  const unread = all.filter(({ k }) => k.kind === 'smartcard' && !k.expiresAt);
  add('no-expiry', 'No credential that expires unnoticed', G.noExpiry, {
    result: expired.length ? 'fail' : all.length === 0 || unread.length ? 'unknown' : expiring.length ? 'warn' : 'pass',
    evidence: [
      ...dated.map(({ a, k, left, over }) => `${a.upn}: ${k.label} ${over ? 'EXPIRED' : 'expires'} ${k.expiresAt!.slice(0, 10)}${over ? '' : left < org.expiryWindowDays ? ` (in ${left} day(s), within the ${org.expiryWindowDays}-day window)` : ''}`),
      ...unread.map(({ k }) => `${k.label}: certificate dates not read yet (enrol the card)`),
      ...(all.length === 0 ? ['no authenticator is bound to an account'] : []),
    ].join('; ') || 'only FIDO2 keys, which do not expire',
  });
  add('ga-permanent', 'Global Administrator assigned permanently', G.permanent, perAccount(
    accounts,
    (a) => (a.globalAdmin === 'permanent' ? 'yes' : a.globalAdmin === 'unknown' ? 'unknown' : 'no'),
    (a) => `${a.upn}: ${a.globalAdmin === 'unknown' ? 'assignment not recorded' : a.globalAdmin}`,
  ));
  const excluded = accounts.filter((a) => a.excludedFromAllConditionalAccess === 'yes');
  add('ca-excluded', org.caStance === 'exclude' ? 'At least one account excluded from every Conditional Access policy' : 'Protected by phishing-resistant authentication through Conditional Access (the organisation\'s recorded stance)', G.caExcluded, {
    result:
      org.caStance === 'phishing-resistant'
        ? accounts.length && accounts.every((a) => /fido|passkey|certificate|smartcard/i.test(a.mechanism)) ? 'pass' : accounts.length ? 'fail' : 'unknown'
        : excluded.length ? 'pass' : accounts.some((a) => a.excludedFromAllConditionalAccess === 'unknown') ? 'unknown' : 'fail',
    evidence: org.caStance === 'phishing-resistant' ? `stance: phishing-resistant CA; mechanisms: ${list(accounts.map((a) => a.mechanism || 'not recorded'))}` : `excluded from all policies: ${list(excluded.map((a) => a.upn))}`,
  });
  const withoutPhone = accounts.filter((a) => a.phoneMfa === 'no');
  add('no-phone-mfa', 'At least one account without phone-based MFA', G.phoneMfa, {
    result: withoutPhone.length ? 'pass' : accounts.some((a) => a.phoneMfa === 'unknown') ? 'unknown' : 'fail',
    evidence: `without phone-based MFA: ${list(withoutPhone.map((a) => a.upn))}`,
  });
  add('no-per-user-mfa', 'No per-user MFA', G.perUserMfa, perAccount(
    accounts,
    (a) => (a.perUserMfa === 'unknown' ? 'unknown' : a.perUserMfa === 'no' ? 'yes' : 'no'),
    (a) => `${a.upn}: ${a.perUserMfa === 'unknown' ? 'not recorded' : a.perUserMfa === 'yes' ? 'per-user MFA is on' : 'none'}`,
  ));
  add('monitoring', 'Sign-in monitoring configured', G.monitoring, {
    result: org.signInMonitoring === 'yes' ? 'pass' : org.signInMonitoring === 'no' ? 'fail' : 'unknown',
    evidence: `recorded as ${org.signInMonitoring}`,
  });
  return rules;
}
