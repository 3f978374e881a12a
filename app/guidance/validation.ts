import { KeywardError } from '../../core/errors';
import { parseText, parseUpn } from '../../core/inventory/inventory';
import { CLEANUP_POLICIES_MAX, CLEANUP_STEP, POLICY_NAME_MAX } from '../../core/guidance/cleanup-scope';
import { findAccountByUpn, listAccounts } from '../../db/accounts';
import { accessListsByPlace } from './place-access';
import { VALIDATION_STEPS, judgeTwoPathsEvidence, validationState, type ValidationState, type ValidationStepId } from '../../core/guidance/validation';
import { listAuthenticators } from '../../db/authenticators';
import { sitesOfAuthenticators } from '../../db/netpath-sites';
import { assessPosture } from './posture';
import { updateCustodianSignCount } from '../../db/custody';
import { appendEntry, appendPreparedEntry, entriesOfKinds, prepareEntry } from '../../db/ledger';
import { approverNamed, collectApproval } from '../custody/custodian-keys';
import type { KeySource } from '../presence/key-sources';
import { recorded, timestamp, type Session } from '../ports';

const KINDS = ['validation.started', 'validation.attested', 'validation.waived', 'validation.completed', 'validation.subscription_changed', 'custodian.added', 'custodian.deactivated', 'posture.imported'] as const;

export function readValidation(session: Pick<Session, 'db' | 'clock'>): ValidationState {
  return validationAt(session.db, session.clock.now());
}

/** The validation cycle as of NOW: every step, its evidence, and whether a validation is due and why. */
export function validationAt(db: Session['db'], now: Date): ValidationState {
  return validationState(entriesOfKinds(db, KINDS), now, listAccounts(db));
}

export function startValidation(session: Session): ValidationState {
  if (readValidation(session).current) throw new KeywardError('conflict', 'a validation is already under way; complete it first', 'validation');
  recorded(session, (at) => appendEntry(session.db, { kind: 'validation.started', actors: [session.actor], payload: { steps: VALIDATION_STEPS.map((s) => s.id) } }, at));
  return readValidation(session);
}

export function recordSubscriptionChange(session: Session, input: Record<string, unknown>): ValidationState {
  const note = parseText(input.note, 'note', { required: true, max: 200 });
  recorded(session, (at) => appendEntry(session.db, { kind: 'validation.subscription_changed', actors: [session.actor], payload: { note } }, at));
  return readValidation(session);
}

function openStep(session: Session, value: unknown): { validationSeq: number; startedAt: string; step: ValidationStepId } {
  const state = readValidation(session);
  if (!state.current) throw new KeywardError('conflict', 'no validation is under way; start one first', 'validation');
  const step = VALIDATION_STEPS.find((s) => s.id === value);
  if (!step) throw new KeywardError('invalid_input', `step must be one of ${VALIDATION_STEPS.map((s) => s.id).join(', ')}`, 'step');
  if (state.current.steps.find((s) => s.id === step.id)!.status !== 'open') throw new KeywardError('conflict', `step ${step.id} is already done`, 'step');
  return { validationSeq: state.current.startedSeq, startedAt: state.current.startedAt, step: step.id };
}

/** Evidence the "two paths" step rests on, from this cycle only (see judgeTwoPathsEvidence). */
function twoPathsEvidence(session: Session, cycleStartedAt: string) {
  const keptAt = sitesOfAuthenticators(session.db);
  const boundItems = listAuthenticators(session.db)
    .filter((a) => a.accountUpn !== null && !a.simulated && a.state !== 'retired' && a.state !== 'lost')
    .map((a) => ({ id: a.id, label: a.label, enrolled: a.enrolled, site: keptAt.get(a.id) ?? null }));
  const evidence = judgeTwoPathsEvidence({ cycleStartedAt, proofs: entriesOfKinds(session.db, ['netpath.proved']), checks: entriesOfKinds(session.db, ['presence.checked']), boundItems });
  if (!evidence.ok) throw new KeywardError('conflict', evidence.problem, 'step');
  return { networkProofSeq: evidence.networkProofSeq, networkProofSeqs: [...evidence.networkProofSeqs], presenceCheckSeqs: [...evidence.presenceCheckSeqs] };
}

/** The guidance's "no MFA on personal devices" cannot be attested while posture says an account is tied to a person. */
function refuseWhileTiedToPeople(session: Session) {
  const rule = assessPosture(session).find((r) => r.id === 'not-personal');
  if (rule?.result === 'fail') throw new KeywardError('conflict', `the posture rule "${rule.title}" fails (${rule.evidence}): fix that, or waive this step with the reason`, 'step');
}

/** The cleanup step is attested account by account, naming the automated cleanups the account is excluded from. */
function cleanupExclusion(session: Session, input: Record<string, unknown>) {
  const upn = parseUpn(input.account, 'account');
  const account = findAccountByUpn(session.db, upn);
  if (!account) throw new KeywardError('not_found', `no emergency account ${upn}`, 'account');
  const none = input.noCleanupInTenant === true;
  const given = input.policies === undefined ? [] : Array.isArray(input.policies) ? input.policies : [input.policies];
  if (none && given.length) throw new KeywardError('invalid_input', 'policies: name the cleanups the account is excluded from, or attest that the tenant runs none, not both', 'policies');
  if (!none && given.length === 0) {
    throw new KeywardError('invalid_input', `policies: name each automated cleanup ${upn} is excluded from (an access review, a lifecycle workflow, an inactive-account cleanup), or attest that the tenant runs none`, 'policies');
  }
  if (given.length > CLEANUP_POLICIES_MAX) throw new KeywardError('invalid_input', `policies: at most ${CLEANUP_POLICIES_MAX} per attestation (got ${given.length})`, 'policies');
  const policies = given.map((p, i) => parseText(p, `policies[${i + 1}]`, { required: true, max: POLICY_NAME_MAX }));
  const twice = policies.find((p, i) => policies.findIndex((q) => q.toLowerCase() === p.toLowerCase()) !== i);
  if (twice) throw new KeywardError('invalid_input', `policies: "${twice}" is named twice`, 'policies');
  return { account: account.upn, objectId: account.objectId, policies, noCleanupInTenant: none };
}

/** Reviewing who can open each place: refused while the rule fails or rests on lists too old; the lists reviewed go into the entry. */
function accessReview(session: Session) {
  const rule = assessPosture(session).find((r) => r.id === 'device-reachable');
  if (rule?.result === 'fail') throw new KeywardError('conflict', `the posture rule "${rule.title}" fails (${rule.evidence}): record who can open each place (keyward place access), or waive this step with the reason`, 'step');
  if (rule?.result === 'stale') throw new KeywardError('conflict', `the access lists are older than the evidence interval (${rule.evidence}): record each list again once reviewed, then attest`, 'step');
  return { accessLists: [...accessListsByPlace(session).values()].map((l) => ({ place: l.place, people: [...l.people], seq: l.seq })) };
}

function refuseAccountOutsideCleanup(step: string, input: Record<string, unknown>, waive: boolean) {
  const given = ['account', 'policies', 'noCleanupInTenant'].find((f) => input[f] !== undefined && input[f] !== false && input[f] !== '' && !(Array.isArray(input[f]) && (input[f] as unknown[]).length === 0));
  if (given && (waive || step !== CLEANUP_STEP)) throw new KeywardError('invalid_input', `${given} goes only with attesting the ${CLEANUP_STEP} step${waive ? ', not with a waiver' : ''}`, given);
}

/**
 * A custodian attests (or waives, with a reason) one step by touching their own key: the
 * approval signs this very entry, as custody entries are signed.
 */
export async function attestStep(session: Session, custodianKeys: KeySource, input: Record<string, unknown>, waive = false): Promise<ValidationState> {
  const { validationSeq, step, startedAt } = openStep(session, input.step);
  const note = parseText(waive ? input.reason : input.note, waive ? 'reason' : 'note', { required: waive, max: 300 });
  refuseAccountOutsideCleanup(step, input, waive);
  const custodian = approverNamed(session, input.custodian, 'custodian');
  if (!waive && step === 'no-personal-mfa') refuseWhileTiedToPeople(session);
  const evidence = waive ? {} : step === 'two-paths' ? twoPathsEvidence(session, startedAt) : step === CLEANUP_STEP ? cleanupExclusion(session, input) : step === 'device-accessible' ? accessReview(session) : {};
  const prepared = prepareEntry(
    session.db,
    {
      kind: waive ? 'validation.waived' : 'validation.attested',
      actors: [{ role: 'custodian', name: custodian.name }],
      payload: { validationSeq, step, by: custodian.name, ...(waive ? { reason: note } : { note }), ...evidence, drill: custodianKeys.simulated },
    },
    timestamp(session.clock),
  );
  const collected = await collectApproval(session, custodianKeys, custodian, prepared, 'custodian');
  session.db
    .transaction(() => {
      appendPreparedEntry(session.db, prepared, [collected.approval]);
      updateCustodianSignCount(session.db, custodian.id, collected.newSignCount);
    })
    .immediate();
  return readValidation(session);
}

export function completeValidation(session: Session): ValidationState {
  const state = readValidation(session);
  if (!state.current) throw new KeywardError('conflict', 'no validation is under way', 'validation');
  const open = state.current.steps.filter((s) => s.status === 'open');
  if (open.length) throw new KeywardError('conflict', `a validation completes only when every step is attested or waived; still open: ${open.map((s) => s.id).join(', ')}`, 'validation');
  const validationSeq = state.current.startedSeq;
  recorded(session, (at) =>
    appendEntry(session.db, { kind: 'validation.completed', actors: [session.actor], payload: { validationSeq, steps: state.current!.steps.map((s) => ({ step: s.id, status: s.status, by: s.by ?? '', seq: s.seq ?? 0 })) } }, at),
  );
  return readValidation(session);
}
