/**
 * What Entra's own exports say about the tenant, reduced to what the guidance's rules read, and
 * where each piece came from. Every import is a ledger entry holding its piece; the newest piece
 * of each kind (per user, for per-user exports) is the evidence a rule judges.
 */

/** Where a piece of evidence came from: the file, its ledger entry, and when it was recorded. */
export interface EvidenceSource {
  readonly file: string;
  /** The ledger entry that recorded it; null for facts recorded before entries named them. */
  readonly seq: number | null;
  readonly recordedAt: string;
}

export interface UserRecord {
  readonly id: string;
  readonly upn: string;
  /** accountEnabled; null when the export did not select it. */
  readonly enabled: boolean | null;
  /** Synchronised from on-premises (onPremisesSyncEnabled true or an onPremisesImmutableId); null when not selected. */
  readonly synced: boolean | null;
  /** signInActivity.lastSignInDateTime, when selected. */
  readonly lastSignIn: string | null;
  /** Group ids from an expanded memberOf, when present. */
  readonly groups: readonly string[];
}

export const METHOD_TYPES = ['fido2', 'phone', 'microsoftAuthenticator', 'softwareOath', 'temporaryAccessPass', 'password', 'email', 'windowsHelloForBusiness', 'x509Certificate', 'platformCredential', 'other'] as const;
export type MethodType = (typeof METHOD_TYPES)[number];
/** Methods that live on a person's phone: the guidance keeps them off emergency accounts. */
export const PHONE_METHODS: readonly MethodType[] = ['phone', 'microsoftAuthenticator', 'softwareOath'];

export interface MethodRecord {
  readonly id: string;
  readonly type: MethodType;
  /** FIDO2 only: the key model's AAGUID, lower case. */
  readonly aaguid: string | null;
  /** What the method is, as Entra names it (model, phone type, display name). */
  readonly detail: string;
}

export interface MethodsOfUser {
  /** The user as the export's "@odata.context" names them: object id or UPN, lower case. */
  readonly user: string;
  readonly methods: readonly MethodRecord[];
}

export interface Fido2Policy {
  readonly state: 'enabled' | 'disabled';
  readonly attestationEnforced: boolean;
  readonly restrictionsEnforced: boolean;
  readonly enforcementType: 'allow' | 'block';
  readonly aaguids: readonly string[];
}

export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';
export interface PerUserMfa {
  readonly user: string;
  readonly state: PerUserMfaState;
}

/** An active directory role assignment (roleAssignmentScheduleInstance). */
export interface ActiveRole {
  readonly principalId: string;
  readonly roleDefinitionId: string;
  /** Assigned: a standing assignment; Activated: a PIM activation of an eligible one. */
  readonly assignmentType: 'Assigned' | 'Activated';
  readonly end: string | null;
}

/** An eligible directory role assignment (roleEligibilitySchedule or its instance). */
export interface EligibleRole {
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly end: string | null;
}

export interface PolicyUsers {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly roles: readonly string[];
}

export interface CaPolicy {
  readonly id: string;
  readonly name: string;
  readonly state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  readonly include: PolicyUsers;
  readonly exclude: PolicyUsers;
  /** grantControls.builtInControls, e.g. mfa, block. */
  readonly grant: readonly string[];
  /** grantControls.authenticationStrength's name, if the policy requires one. */
  readonly authStrength: string | null;
}

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly members: readonly string[];
}

/** One import's piece of evidence, as its ledger entry holds it. */
export type EvidencePiece =
  | { readonly kind: 'users'; readonly users: readonly UserRecord[] }
  | { readonly kind: 'auth-methods'; readonly methods: readonly MethodsOfUser[] }
  | { readonly kind: 'methods-policy'; readonly fido2: Fido2Policy }
  | { readonly kind: 'per-user-mfa'; readonly states: readonly PerUserMfa[] }
  | { readonly kind: 'role-instances'; readonly roles: readonly ActiveRole[] }
  | { readonly kind: 'role-eligibility'; readonly roles: readonly EligibleRole[] }
  | { readonly kind: 'ca-policies'; readonly policies: readonly CaPolicy[] }
  | { readonly kind: 'group-members'; readonly groups: readonly GroupRecord[] };

export interface Sourced<T> {
  readonly value: T;
  readonly source: EvidenceSource;
}

/** The newest evidence of each kind; per-user kinds are keyed by object id or UPN (lower case), groups by id. */
export interface TenantEvidence {
  readonly users: ReadonlyMap<string, Sourced<UserRecord>>;
  readonly methods: ReadonlyMap<string, Sourced<readonly MethodRecord[]>>;
  readonly perUserMfa: ReadonlyMap<string, Sourced<PerUserMfaState>>;
  readonly fido2Policy: Sourced<Fido2Policy> | null;
  readonly activeRoles: Sourced<readonly ActiveRole[]> | null;
  readonly eligibleRoles: Sourced<readonly EligibleRole[]> | null;
  readonly caPolicies: Sourced<readonly CaPolicy[]> | null;
  readonly groups: ReadonlyMap<string, Sourced<GroupRecord>>;
}

export const NO_EVIDENCE: TenantEvidence = { users: new Map(), methods: new Map(), perUserMfa: new Map(), fido2Policy: null, activeRoles: null, eligibleRoles: null, caPolicies: null, groups: new Map() };

/** Folds imports, oldest first, into the newest evidence of each kind. */
export function foldEvidence(imports: readonly { readonly piece: EvidencePiece; readonly source: EvidenceSource }[]): TenantEvidence {
  const users = new Map<string, Sourced<UserRecord>>();
  const methods = new Map<string, Sourced<readonly MethodRecord[]>>();
  const perUserMfa = new Map<string, Sourced<PerUserMfaState>>();
  const groups = new Map<string, Sourced<GroupRecord>>();
  let fido2Policy: TenantEvidence['fido2Policy'] = null;
  let activeRoles: TenantEvidence['activeRoles'] = null;
  let eligibleRoles: TenantEvidence['eligibleRoles'] = null;
  let caPolicies: TenantEvidence['caPolicies'] = null;
  for (const { piece, source } of imports) {
    switch (piece.kind) {
      case 'users':
        for (const u of piece.users) {
          users.set(u.id, { value: u, source });
          users.set(u.upn, { value: u, source });
        }
        break;
      case 'auth-methods':
        for (const m of piece.methods) methods.set(m.user, { value: m.methods, source });
        break;
      case 'per-user-mfa':
        for (const s of piece.states) perUserMfa.set(s.user, { value: s.state, source });
        break;
      case 'methods-policy':
        fido2Policy = { value: piece.fido2, source };
        break;
      case 'role-instances':
        activeRoles = { value: piece.roles, source };
        break;
      case 'role-eligibility':
        eligibleRoles = { value: piece.roles, source };
        break;
      case 'ca-policies':
        caPolicies = { value: piece.policies, source };
        break;
      case 'group-members':
        for (const g of piece.groups) groups.set(g.id, { value: g, source });
        break;
    }
  }
  return { users, methods, perUserMfa, fido2Policy, activeRoles, eligibleRoles, caPolicies, groups };
}

/** A per-user piece of evidence for an account, by object id or by UPN, whichever the export used. */
export function forAccount<T>(map: ReadonlyMap<string, Sourced<T>>, account: { readonly objectId: string; readonly upn: string }): Sourced<T> | undefined {
  const byId = map.get(account.objectId.toLowerCase());
  const byUpn = map.get(account.upn.toLowerCase());
  if (byId && byUpn) return byId.source.recordedAt >= byUpn.source.recordedAt ? byId : byUpn;
  return byId ?? byUpn;
}

export const describeSource = (s: EvidenceSource): string => `${s.file}, ${s.recordedAt.slice(0, 10)}${s.seq === null ? '' : `, entry ${s.seq}`}`;

/** Standing role assignments, active or eligible, as "principal → role": PIM activations come and go and are not staff changes. */
function standing(roles: readonly (ActiveRole | EligibleRole)[]): Set<string> {
  return new Set(roles.filter((r) => !('assignmentType' in r) || r.assignmentType === 'Assigned').map((r) => `${r.principalId} → ${r.roleDefinitionId}`));
}

/** What changed among the administrators between two imports of the same role export. */
export function adminChanges(before: readonly (ActiveRole | EligibleRole)[], after: readonly (ActiveRole | EligibleRole)[]): { readonly added: readonly string[]; readonly removed: readonly string[] } {
  const [was, is] = [standing(before), standing(after)];
  return { added: [...is].filter((x) => !was.has(x)).sort(), removed: [...was].filter((x) => !is.has(x)).sort() };
}
