/**
 * "Not in scope of automated cleanup due to lack of use": no Entra export says which lifecycle
 * workflow, access review or inactive-account cleanup would catch an account, so a custodian
 * attests it per account during the validation, naming the cleanups it is excluded from, with a
 * touch of their own key. The rule reads the newest real (not drill) attestation of each account.
 */
import type { AccountFacts, Outcome } from './posture';
import type { EvidenceSource } from './tenant-evidence';
import type { ValidationEvent } from './validation';

export const CLEANUP_STEP = 'cleanup-excluded';

/** At most this many cleanups named in one attestation, each at most POLICY_NAME_MAX characters. */
export const CLEANUP_POLICIES_MAX = 10;
export const POLICY_NAME_MAX = 200;

export interface CleanupAttestation {
  readonly seq: number;
  readonly recordedAt: string;
  readonly validationSeq: number;
  readonly upn: string;
  readonly objectId: string;
  /** The automated cleanups the account is excluded from, as the custodian named them. */
  readonly policies: readonly string[];
  /** The custodian attested that the tenant runs no automated cleanup for lack of use at all. */
  readonly noCleanupInTenant: boolean;
  readonly by: string;
  /** Signed with a drill key: practice, never evidence. */
  readonly drill: boolean;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The per-account attestations of the cleanup step among validation events, oldest first. */
export function cleanupAttestations(events: readonly ValidationEvent[]): CleanupAttestation[] {
  return events
    .filter((e) => e.kind === 'validation.attested' && e.payload.step === CLEANUP_STEP && typeof e.payload.account === 'string')
    .map((e) => ({
      seq: e.seq,
      recordedAt: e.recordedAt,
      validationSeq: Number(e.payload.validationSeq),
      upn: String(e.payload.account),
      objectId: String(e.payload.objectId ?? ''),
      policies: strings(e.payload.policies),
      noCleanupInTenant: e.payload.noCleanupInTenant === true,
      by: String(e.payload.by ?? ''),
      drill: e.payload.drill === true,
    }));
}

const sameAccount = (x: CleanupAttestation, a: { readonly upn: string; readonly objectId: string }) =>
  (x.objectId !== '' && x.objectId.toLowerCase() === a.objectId.toLowerCase()) || x.upn.toLowerCase() === a.upn.toLowerCase();

/** The newest attestation of one account, drill or not. */
export const latestCleanupAttestation = (attestations: readonly CleanupAttestation[], account: { readonly upn: string; readonly objectId: string }, real = true) =>
  [...attestations].reverse().find((x) => sameAccount(x, account) && (!real || !x.drill));

export const describeExclusion = (x: CleanupAttestation): string =>
  x.noCleanupInTenant ? 'the tenant runs no automated cleanup for lack of use' : `excluded from ${x.policies.map((p) => `"${p}"`).join(', ')}`;

export const cleanupSource = (x: CleanupAttestation): EvidenceSource => ({ file: `cleanup attestation for ${x.upn} by ${x.by}`, seq: x.seq, recordedAt: x.recordedAt });

/** Every account needs a real attestation naming the cleanups it is excluded from; one missing fails, naming the account. */
export function cleanupScopeRule(accounts: readonly AccountFacts[], attestations: readonly CleanupAttestation[]): Outcome {
  if (accounts.length === 0) return { result: 'unknown', evidence: 'no emergency accounts are recorded' };
  const sources: EvidenceSource[] = [];
  const missing: string[] = [];
  const parts = accounts.map((a) => {
    const real = latestCleanupAttestation(attestations, a);
    if (real) {
      sources.push(cleanupSource(real));
      return `${a.upn}: ${describeExclusion(real)} (attested by ${real.by}, ${real.recordedAt.slice(0, 10)})`;
    }
    missing.push(a.upn);
    const drill = latestCleanupAttestation(attestations, a, false);
    return `${a.upn}: NOT ATTESTED${drill ? ` (only with a drill key, entry ${drill.seq}, which is never evidence)` : ''}: attest it in the validation's "${CLEANUP_STEP}" step, naming the cleanups it is excluded from`;
  });
  return { result: missing.length ? 'fail' : 'pass', evidence: parts.join('; '), sources, judged: accounts.map((a) => a.upn) };
}
