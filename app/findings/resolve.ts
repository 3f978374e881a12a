import { KeywardError } from '../../core/errors';
import { ENDS_OTHERWISE, RESOLUTION_CHOICES, allowedChoices, resolvableBySignature, type Finding, type ResolutionChoice } from '../../core/findings/finding';
import { parseText } from '../../core/inventory/inventory';
import type { KnownKeyState } from '../../core/presence/presence';
import { findOpenCheckout, setAuthenticatorState } from '../../db/custody';
import { acceptKeyBaseline, findFidoCredential } from '../../db/fido-credentials';
import { findEntry, prepareEntry } from '../../db/ledger';
import { approveAndWrite, approverNamed, type ApprovalStep } from '../custody/custodian-keys';
import type { KeySource } from '../presence/key-sources';
import { timestamp, type Session } from '../ports';
import { judgeNow } from './findings';

export interface ResolveInput {
  readonly id?: unknown;
  readonly custodian?: unknown;
  readonly witness?: unknown;
  readonly reason?: unknown;
  /** For a presence anomaly: accept the key's new state as the baseline, or retire it. */
  readonly choice?: unknown;
}

/**
 * Two custodians resolve a finding by touching their own keys over the resolution entry: a reason,
 * and for a presence anomaly an explicit choice. Only "accept the new state" changes what later
 * checks compare with; "retire" takes the item out of service. Nothing is written unless both sign.
 */
export async function resolveFinding(session: Session, custodianKeys: KeySource, input: ResolveInput, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const id = parseText(input.id, 'id', { required: true, max: 200 });
  const reason = parseText(input.reason, 'reason', { required: true, max: 500 });
  const { findings } = judgeNow(session);
  const finding = findings.find((f) => f.id === id);
  if (!finding) throw new KeywardError('not_found', `no finding with id "${id}"; keyward findings list shows their ids`, 'id');
  if (finding.resolution) throw new KeywardError('conflict', `finding ${id} was already resolved in ledger entry ${finding.resolution.seq}`, 'id');
  if (!resolvableBySignature(finding)) throw new KeywardError('conflict', `this finding is not resolved by signature: ${ENDS_OTHERWISE[finding.kind] ?? 'it ends when what it names ends'}`, 'id');
  if (!finding.drill && custodianKeys.simulated) throw new KeywardError('invalid_input', 'this finding is about real custody: it is resolved with custodians\' real keys, never drill keys', 'id');
  const choice = parseChoice(input.choice, finding);
  const custodian = approverNamed(session, input.custodian, 'custodian');
  const witness = approverNamed(session, input.witness, 'witness');
  if (witness.id === custodian.id) throw new KeywardError('invalid_input', 'a finding is resolved by two different custodians: name another as witness', 'witness');

  const authenticatorId = finding.subject.type === 'authenticator' ? Number(finding.subject.id) : null;
  const accepted = choice === 'accept-new-state' ? newStateOf(session, finding) : null;
  if (choice === 'retire' && authenticatorId !== null && findOpenCheckout(session.db, authenticatorId)) {
    throw new KeywardError('conflict', `${finding.subject.label} is checked out: return it before retiring it`, 'choice');
  }
  const prepared = prepareEntry(
    session.db,
    {
      kind: 'finding.resolved',
      actors: [
        { role: 'custodian', name: custodian.name },
        { role: 'witness', name: witness.name },
      ],
      payload: {
        findingId: finding.id,
        findingKind: finding.kind,
        subject: { ...finding.subject },
        since: finding.since,
        evidence: [...finding.evidence],
        reason,
        choice,
        resolvedBy: [custodian.name, witness.name],
        custodianId: custodian.id,
        witnessId: witness.id,
        ...(accepted ? { acceptedState: { ...accepted, versions: [...accepted.versions], options: { ...accepted.options } } } : {}),
        drill: finding.drill,
      },
    },
    timestamp(session.clock),
  );
  const entry = await approveAndWrite(
    session,
    custodianKeys,
    prepared,
    [
      { custodian, role: 'custodian' },
      { custodian: witness, role: 'witness' },
    ],
    onApproval,
    () => {
      if (accepted && authenticatorId !== null) acceptKeyBaseline(session.db, authenticatorId, accepted);
      if (choice === 'retire' && authenticatorId !== null) setAuthenticatorState(session.db, authenticatorId, 'retired');
    },
  );
  return { entry, finding: { ...finding, resolution: { seq: entry.seq, at: entry.recordedAt, by: [custodian.name, witness.name], reason, choice } } };
}

function parseChoice(value: unknown, finding: Finding): ResolutionChoice {
  const allowed = allowedChoices(finding.kind);
  if (value === undefined || value === '' || value === null) {
    if (allowed.includes('none')) return 'none';
    throw new KeywardError('invalid_input', `say what becomes of ${finding.subject.label}: ${allowed.join(' or ')}`, 'choice');
  }
  if (typeof value !== 'string' || !(RESOLUTION_CHOICES as readonly string[]).includes(value) || !allowed.includes(value as ResolutionChoice)) {
    throw new KeywardError('invalid_input', `a ${finding.kind} finding is resolved with ${allowed.map((c) => `"${c}"`).join(' or ')}${typeof value === 'string' ? `, not "${value}"` : ''}`, 'choice');
  }
  return value as ResolutionChoice;
}

/** The state the key reported at the latest check behind the finding: what "accept" makes the baseline. */
function newStateOf(session: Session, finding: Finding): KnownKeyState {
  const authenticatorId = Number(finding.subject.id);
  if (!findFidoCredential(session.db, authenticatorId)) {
    throw new KeywardError('invalid_input', `${finding.subject.label} is not a FIDO2 key: a card that changed is re-enrolled or retired, not accepted`, 'choice');
  }
  const latest = finding.evidence[finding.evidence.length - 1];
  const entry = latest === undefined ? undefined : findEntry(session.db, latest);
  const after = entry?.payload.after as unknown as KnownKeyState | null | undefined;
  if (!after) throw new KeywardError('conflict', `the latest check behind this finding (entry ${latest}) has no state from the key to accept; check the key again`, 'choice');
  return after;
}
