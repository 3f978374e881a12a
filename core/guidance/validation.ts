import { reachedEntra } from '../netpath/entra-endpoints';
import { CLEANUP_STEP, cleanupAttestations, describeExclusion, latestCleanupAttestation } from './cleanup-scope';

/**
 * The guidance's regular validation, as a checklist whose state is read from the ledger alone.
 * Due every 90 days, and at once after a change of staff or of the Entra subscriptions.
 */
export const VALIDATION_STEPS = [
  { id: 'monitoring-informed', text: 'Ensure that security-monitoring staff is aware that the account-check activity is ongoing.' },
  { id: 'process-documented', text: 'Ensure that the emergency break-glass process to use these accounts is documented and current.' },
  { id: 'people-trained', text: 'Ensure that administrators and security officers who might need to perform these steps during an emergency are trained on the process.' },
  { id: 'credentials-tested', text: 'Update the account credentials … and then validate that the emergency access accounts can sign in and perform administrative tasks.' },
  { id: 'no-personal-mfa', text: "Ensure that users haven't registered multifactor authentication or self-service password reset (SSPR) to any individual user's device or personal details." },
  { id: 'two-paths', text: 'Verify that the device can communicate through at least two network paths that don\'t share a common failure mode.' },
  { id: 'cleanup-excluded', text: 'The device or credential must not expire or be in scope of automated cleanup due to lack of use. (Attested per account, naming the cleanups it is excluded from.)' },
  { id: 'device-accessible', text: 'Ensure that the device is accessible to all administrators who might need to use it during an emergency. (Review who can open each place that holds a key.)' },
] as const;
export type ValidationStepId = (typeof VALIDATION_STEPS)[number]['id'];

export const VALIDATION_INTERVAL_DAYS = 90;

export interface ValidationEvent {
  readonly seq: number;
  readonly kind: string;
  readonly recordedAt: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface StepState {
  readonly id: ValidationStepId;
  readonly text: string;
  readonly status: 'open' | 'attested' | 'waived';
  readonly by?: string;
  readonly seq?: number;
  readonly note?: string;
  /** The cleanup step, attested account by account: each account's attestation in this cycle. */
  readonly accounts?: readonly { readonly upn: string; readonly by: string; readonly seq: number; readonly exclusion: string }[];
  /** The cleanup step: accounts still to attest in this cycle. */
  readonly pending?: readonly string[];
}

export interface ValidationState {
  /** The validation under way, if one was started and not completed. */
  readonly current: { readonly startedSeq: number; readonly startedAt: string; readonly steps: readonly StepState[] } | null;
  readonly lastCompletedAt: string | null;
  readonly due: boolean;
  /** When the next one falls due by the 90-day rule (null when none was ever completed). */
  readonly dueAt: string | null;
  /** Whole days until due (negative when overdue); null when due because of a change. */
  readonly daysRemaining: number | null;
  readonly reasons: readonly string[];
}

const DAY = 86_400_000;

/**
 * Folds the ledger's validation and change events, oldest first, into where the cycle stands.
 * The cleanup step is attested account by account: it is done once every account given has an
 * attestation in the cycle (or it is waived).
 */
export function validationState(events: readonly ValidationEvent[], now: Date, accounts: readonly { readonly upn: string; readonly objectId: string }[] = []): ValidationState {
  let current: { startedSeq: number; startedAt: string; steps: Map<ValidationStepId, StepState> } | null = null;
  let lastCompletedAt: string | null = null;
  let changesSinceCompletion: string[] = [];
  for (const e of events) {
    if (e.kind === 'validation.started') {
      current = { startedSeq: e.seq, startedAt: e.recordedAt, steps: new Map(VALIDATION_STEPS.map((s) => [s.id, { id: s.id, text: s.text, status: 'open' as const }])) };
    } else if (e.kind === 'validation.attested' && e.payload.step === CLEANUP_STEP && typeof e.payload.account === 'string') {
      // Counted below, account by account.
    } else if ((e.kind === 'validation.attested' || e.kind === 'validation.waived') && current && e.payload.validationSeq === current.startedSeq) {
      const id = e.payload.step as ValidationStepId;
      const step = current.steps.get(id);
      if (step) current.steps.set(id, { ...step, status: e.kind === 'validation.attested' ? 'attested' : 'waived', by: String(e.payload.by ?? ''), seq: e.seq, note: String(e.payload.note ?? e.payload.reason ?? '') });
    } else if (e.kind === 'validation.completed' && current && e.payload.validationSeq === current.startedSeq) {
      lastCompletedAt = e.recordedAt;
      current = null;
      changesSinceCompletion = [];
    } else if (e.kind === 'custodian.added' || e.kind === 'custodian.deactivated' || e.kind === 'validation.subscription_changed') {
      const what = e.kind === 'custodian.added' ? `${String(e.payload.name)} became a custodian` : e.kind === 'custodian.deactivated' ? `${String(e.payload.name)} was deactivated` : `the Entra subscriptions changed (${String(e.payload.note ?? '')})`;
      changesSinceCompletion.push(`${what} on ${e.recordedAt.slice(0, 10)} (ledger entry ${e.seq})`);
    } else if (e.kind === 'posture.imported' && e.payload.adminChanges && typeof e.payload.adminChanges === 'object') {
      const { added, removed } = e.payload.adminChanges as { added?: unknown[]; removed?: unknown[] };
      changesSinceCompletion.push(`administrator role assignments changed in ${String(e.payload.file)} (${added?.length ?? 0} added, ${removed?.length ?? 0} removed) on ${e.recordedAt.slice(0, 10)} (ledger entry ${e.seq})`);
    }
  }
  const dueAt = lastCompletedAt ? new Date(Date.parse(lastCompletedAt) + VALIDATION_INTERVAL_DAYS * DAY).toISOString() : null;
  const reasons = [...changesSinceCompletion];
  if (!lastCompletedAt) reasons.unshift('no validation has been completed yet');
  else if (dueAt && Date.parse(dueAt) <= now.getTime()) reasons.unshift(`90 days have passed since the last validation on ${lastCompletedAt.slice(0, 10)}`);
  if (current) current.steps.set(CLEANUP_STEP, cleanupStep(current.steps.get(CLEANUP_STEP)!, events, current.startedSeq, accounts));
  return {
    current: current && { startedSeq: current.startedSeq, startedAt: current.startedAt, steps: [...current.steps.values()] },
    lastCompletedAt,
    due: reasons.length > 0,
    dueAt,
    daysRemaining: dueAt ? Math.floor((Date.parse(dueAt) - now.getTime()) / DAY) : null,
    reasons,
  };
}

/** The cleanup step as this cycle's per-account attestations leave it. */
function cleanupStep(step: StepState, events: readonly ValidationEvent[], validationSeq: number, accounts: readonly { readonly upn: string; readonly objectId: string }[]): StepState {
  if (step.status === 'waived') return step;
  const inCycle = cleanupAttestations(events).filter((x) => x.validationSeq === validationSeq);
  const done = accounts.flatMap((a) => {
    const x = latestCleanupAttestation(inCycle, a, false);
    return x ? [{ account: a, x }] : [];
  });
  const pending = accounts.filter((a) => !done.some((d) => d.account === a)).map((a) => a.upn);
  const last = done.map((d) => d.x).sort((p, q) => p.seq - q.seq).at(-1);
  const attested = accounts.length > 0 && pending.length === 0;
  return {
    ...step,
    status: attested ? 'attested' : 'open',
    ...(attested && last ? { by: last.by, seq: last.seq } : {}),
    accounts: done.map(({ account, x }) => ({ upn: account.upn, by: x.by, seq: x.seq, exclusion: `${describeExclusion(x)}${x.drill ? ' (drill key)' : ''}` })),
    pending,
  };
}

export { ENTRA_SIGN_IN_HOSTS } from '../netpath/entra-endpoints';

export interface TwoPathsInput {
  /** When the validation under way started: evidence from before it belongs to an earlier cycle. */
  readonly cycleStartedAt: string;
  /** Network-path proofs, oldest first. */
  readonly proofs: readonly ValidationEvent[];
  /** Presence checks, oldest first. */
  readonly checks: readonly ValidationEvent[];
  /** The real (not drill) authenticators bound to emergency accounts and in service. */
  readonly boundItems: readonly { readonly id: number; readonly label: string; readonly enrolled: boolean; readonly site?: string | null }[];
}

export type TwoPathsEvidence =
  | { readonly ok: true; readonly networkProofSeq: number; readonly networkProofSeqs: readonly number[]; readonly presenceCheckSeqs: readonly number[] }
  | { readonly ok: false; readonly problem: string };

const siteOf = (proof: ValidationEvent): string | null => (typeof proof.payload.site === 'string' ? proof.payload.site : null);

/** The latest proof of one site in this cycle must be met and have reached Entra ID: a problem, or the proof's seq. */
function siteProof(input: TwoPathsInput, site: string | null): { problem: string } | { seq: number } {
  const since = input.cycleStartedAt.slice(0, 10);
  const where = site === null ? '' : ` of ${site}`;
  const ofSite = input.proofs.filter((p) => siteOf(p) === site);
  const proof = [...ofSite].reverse().find((p) => p.recordedAt >= input.cycleStartedAt);
  if (!proof) {
    const last = ofSite.at(-1);
    return { problem: `no network path proof${where} since this validation started on ${since}${last ? ` (the last, entry ${last.seq}, is from ${last.recordedAt.slice(0, 10)})` : ''}: prove the paths${site === null ? '' : ` at ${site}`} again` };
  }
  if (proof.payload.verdict !== 'met') return { problem: `the latest network path proof${where} (entry ${proof.seq}) is "${String(proof.payload.verdict)}": prove two paths first` };
  const targets = Array.isArray(proof.payload.targets) ? proof.payload.targets : [];
  const reached = reachedEntra(targets);
  if (!reached.ok) {
    return { problem: `the network path proof${where} (entry ${proof.seq}) reached ${reached.foreign.join(', ') || 'no recorded target'}, not Entra ID's sign-in endpoint: prove the paths to login.microsoftonline.com, or waive the step with the reason` };
  }
  return { seq: proof.seq };
}

/**
 * The evidence the "two paths" step rests on, all from the current cycle: the latest network proof
 * is met and reached Entra ID's sign-in endpoint (not a test host), and every bound authenticator
 * passed a presence check that was not a drill.
 */
export function judgeTwoPathsEvidence(input: TwoPathsInput): TwoPathsEvidence {
  const since = input.cycleStartedAt.slice(0, 10);
  // The proofs that count are those of the sites where the keys are kept, not any proof.
  const sites = input.boundItems.length ? [...new Set(input.boundItems.map((i) => i.site ?? null))] : [null];
  const proofSeqs: number[] = [];
  for (const site of sites) {
    const judged = siteProof(input, site);
    if ('problem' in judged) return { ok: false, problem: judged.problem };
    proofSeqs.push(judged.seq);
  }
  if (input.boundItems.length === 0) return { ok: false, problem: 'no real authenticator is bound to an emergency account: there is nothing whose reach could be proven' };
  const seqs: number[] = [];
  for (const item of input.boundItems) {
    if (!item.enrolled) return { ok: false, problem: `${item.label} is not enrolled, so it cannot be presence-checked: enrol it first` };
    const check = [...input.checks].reverse().find((c) => Number(c.payload.authenticatorId) === item.id && c.payload.drill !== true && c.recordedAt >= input.cycleStartedAt);
    if (!check) return { ok: false, problem: `${item.label} has not been presence-checked (not as a drill) since this validation started on ${since}: check it first` };
    if (check.payload.result !== 'ok') return { ok: false, problem: `${item.label}'s latest presence check (entry ${check.seq}) was ${String(check.payload.result).toUpperCase()}: resolve that first` };
    seqs.push(check.seq);
  }
  return { ok: true, networkProofSeq: Math.max(...proofSeqs), networkProofSeqs: proofSeqs, presenceCheckSeqs: seqs };
}
