/**
 * A finding is one of Keyward's verdicts: something wrong or due, about one thing, since one
 * moment, resting on ledger entries. It stays open until two custodians resolve it; a later clean
 * check never clears it. Status, screens and reports all read the same list.
 */
export const FINDING_SEVERITIES = ['critical', 'warning', 'notice'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export const FINDING_KINDS = [
  'ledger-unverified',
  'presence-anomaly',
  'presence-missing',
  'presence-due',
  'presence-overdue',
  'metadata-compromised',
  'metadata-firmware',
  'metadata-stale',
  'attestation-not-genuine',
  'custody-overdue',
  'custody-countersign',
  'seal-not-intact',
  'seal-mismatch',
  'signin-incident',
  'audit-incident',
  'drill-incomplete',
  'netpath-not-met',
  'netpath-common-failure',
  'netpath-stale',
  'posture-failed',
  'posture-stale',
  'certificate-expired',
  'certificate-expiring',
  'validation-due',
  'validation-waived',
  'backup-stale',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What a finding is about: an item, an account, a checkout, the site's paths, a rule, the ledger. */
export interface FindingSubject {
  readonly type: 'authenticator' | 'account' | 'checkout' | 'site' | 'rule' | 'ledger' | 'validation';
  readonly id: string;
  readonly label: string;
}

/** How a finding ends: by two custodians' signed resolution, or (for the few that are states, not verdicts) when the state ends. */
export type FindingClosure = 'resolution' | 'condition';

export interface FindingResolution {
  readonly seq: number;
  readonly at: string;
  readonly by: readonly string[];
  readonly reason: string;
  readonly choice: ResolutionChoice;
}

/** For a presence anomaly: take the key's new state as the baseline, or retire the key. */
export const RESOLUTION_CHOICES = ['none', 'accept-new-state', 'retire'] as const;
export type ResolutionChoice = (typeof RESOLUTION_CHOICES)[number];

export interface Finding {
  /** Stable: the same verdict keeps the same id across checks, restarts and machines. */
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: FindingSeverity;
  readonly subject: FindingSubject;
  /** When the verdict began (UTC instant). */
  readonly since: string;
  readonly title: string;
  readonly detail: string;
  /** What a custodian does next. */
  readonly nextStep: string;
  /** Ledger entries the verdict rests on, oldest first. */
  readonly evidence: readonly number[];
  readonly closure: FindingClosure;
  /** Made with drill keys or drill items: shown, but never more than a notice. */
  readonly drill: boolean;
  readonly resolution: FindingResolution | null;
}

export const isOpen = (finding: Finding): boolean => finding.resolution === null;

const RANK: Record<FindingSeverity, number> = { critical: 0, warning: 1, notice: 2 };

/** A ledger that does not verify first (nothing else can be trusted), then most severe, oldest, by id: one stable order everywhere. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const ledgerFirst = (f: Finding) => (f.kind === 'ledger-unverified' ? 0 : 1);
  return [...findings].sort((a, b) => ledgerFirst(a) - ledgerFirst(b) || RANK[a.severity] - RANK[b.severity] || a.since.localeCompare(b.since) || a.id.localeCompare(b.id));
}

export type FindingCounts = Readonly<Record<FindingSeverity, number>>;

export function countOpen(findings: readonly Finding[]): FindingCounts {
  const counts = { critical: 0, warning: 0, notice: 0 };
  for (const f of findings) if (isOpen(f)) counts[f.severity] += 1;
  return counts;
}

/** Which choices a resolution of this kind of finding may make. */
export function allowedChoices(kind: FindingKind): readonly ResolutionChoice[] {
  if (kind === 'presence-anomaly') return ['accept-new-state', 'retire'];
  if (kind === 'presence-missing') return ['none', 'retire'];
  if (kind === 'certificate-expired') return ['retire'];
  if (kind === 'metadata-compromised') return ['none', 'retire'];
  return ['none'];
}

/** Kinds that end otherwise than by two custodians' signatures, and how. */
export const ENDS_OTHERWISE: Readonly<Partial<Record<FindingKind, string>>> = {
  'metadata-firmware': "it ends when the key's firmware reaches the fixed version (a new key), or the key is retired",
  'metadata-stale': 'it ends when a newer metadata BLOB is imported (keyward metadata import)',
  'attestation-not-genuine': 'two custodians accepted the key at enrolment; it stands while the key is in service and ends when it is retired',
  'ledger-unverified': 'a ledger that does not verify cannot be resolved from within it: restore the database from a verified copy',
  'custody-countersign': 'a second custodian countersigns the checkout (keyward countersign)',
  'presence-due': 'it ends when the item is checked',
  'validation-due': 'it ends when a validation is completed',
  'certificate-expiring': 'it ends when the card is renewed and enrolled, or retired',
  'validation-waived': 'it ends when the next validation cycle completes',
  'posture-failed': 'it ends when the rule passes: fix what the rule names (a signature cannot make the guidance met)',
  'posture-stale': 'it ends when fresh evidence is imported or recorded',
  'backup-stale': 'it ends when a verified backup is made (keyward backup)',
};

/** Whether two custodians may resolve this finding now: open, and a verdict that ends by signature. */
export const resolvableBySignature = (finding: Finding): boolean => finding.resolution === null && finding.closure === 'resolution' && ENDS_OTHERWISE[finding.kind] === undefined;

/** What status, the header and the Attention screen show: the ledger's state and the open findings. */
export interface FindingsSummary {
  readonly ledgerVerified: boolean;
  readonly ledgerProblem: string | null;
  readonly open: FindingCounts;
  /** The open findings, most severe first. */
  readonly findings: readonly Finding[];
}
