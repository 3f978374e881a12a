import { KeywardError } from '../../core/errors';
import { awaitsCountersign, isOverdue, parseExpectedReturn, parseReason, type CustodyView } from '../../core/custody/custody';
import { parseSealSerial, parseText, type Authenticator } from '../../core/inventory/inventory';
import { describeFinding } from '../../core/presence/presence';
import type { UnsealedEntry } from '../../core/ledger/ledger';
import { listAuthenticators } from '../../db/authenticators';
import { findOpenCheckout, insertCheckout, listCheckouts, recordCountersign, recordReturn, setAuthenticatorState, setSealState } from '../../db/custody';
import { appendEntry, appendPreparedEntry, prepareEntry, prepareEntryAfter, type LedgerTimestamp, type NewLedgerEntry } from '../../db/ledger';
import { findSealBySerial, setItemSeal } from '../../db/seals';
import { approveAndWrite, approverNamed, type ApprovalStep } from './custodian-keys';

export type { ApprovalStep };
import type { KeySource } from '../presence/key-sources';
import { cardsToCheck, runCardCheck, type CardCheckResult } from '../cards/card-check';
import type { CardSource } from '../cards/card-sources';
import { describeCardFinding } from '../../core/cards/smartcard';
import { recorded, timestamp, type Session } from '../ports';
import { keysToCheck, runPresenceCheck, type CheckRecorder, type KeyCheckResult, type PendingCheck } from '../presence/presence-check';

export interface CustodySources {
  /** Where custodians' own keys are found. */
  readonly custodianKeys: KeySource;
  /** Where the emergency keys themselves are found (for the presence check on return). */
  readonly emergencyKeys: KeySource;
  /** Where smartcards are found (for the presence check of a returned card). */
  readonly emergencyCards?: CardSource;
}

export function findItem(session: Pick<Session, 'db'>, value: unknown): Authenticator {
  const ref = parseText(value, 'item', { required: true, max: 80 });
  const item = listAuthenticators(session.db).find((a) => String(a.id) === ref || a.label.toLowerCase() === ref.toLowerCase());
  if (!item) throw new KeywardError('not_found', `no authenticator with id or label "${ref}"`, 'item');
  return item;
}

/** Drills never stand in for the real thing: a real item changes only with real custodians' keys, a drill item only in a drill. */
export function requireItemMode(item: Authenticator, keys: Pick<KeySource, 'simulated'>): void {
  if (item.simulated === keys.simulated) return;
  throw new KeywardError(
    'invalid_input',
    item.simulated ? `${item.label} is a drill item: it changes only in a drill, with drill keys` : `${item.label} is a real item: it changes only with custodians' real keys, never drill keys`,
    'item',
  );
}

export interface CheckoutInput {
  readonly item?: unknown;
  readonly custodian?: unknown;
  readonly witness?: unknown;
  readonly reason?: unknown;
  readonly ticket?: unknown;
  readonly expectedReturn?: unknown;
  readonly brokenSeal?: unknown;
  readonly sealIntact?: unknown;
  /** Only for a real emergency: one custodian, flagged until countersigned. */
  readonly withoutWitness?: unknown;
  /** The item was found under another seal than the one recorded: check it out anyway, as a critical finding. */
  readonly sealMismatch?: unknown;
}

/** Takes an item out of the safe under dual control: custodian and witness each sign the entry with their own keys. */
export async function checkOut(session: Session, sources: CustodySources, input: CheckoutInput, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const item = findItem(session, input.item);
  requireItemMode(item, sources.custodianKeys);
  const reason = parseReason(input.reason);
  const ticket = parseText(input.ticket, 'ticket', { required: false, max: 80 });
  const expectedReturnAt = parseExpectedReturn(input.expectedReturn, session.clock.now());
  const brokenSeal = parseSealSerial(input.brokenSeal, 'brokenSeal');
  if (typeof input.sealIntact !== 'boolean') throw new KeywardError('invalid_input', 'say whether the broken seal was intact (true or false)', 'sealIntact');
  const withoutWitness = input.withoutWitness === true;
  const custodian = approverNamed(session, input.custodian, 'custodian');
  if (withoutWitness && reason !== 'emergency') throw new KeywardError('invalid_input', 'only an emergency checkout may go without a witness', 'witness');
  if (withoutWitness && input.witness !== undefined && input.witness !== '') throw new KeywardError('invalid_input', 'name a witness or check out without one, not both', 'witness');
  const witness = withoutWitness ? undefined : approverNamed(session, input.witness, 'witness');
  if (witness && witness.id === custodian.id) throw new KeywardError('invalid_input', 'the witness must be a different custodian from the one checking out', 'witness');
  if (item.state !== 'in_safe') throw new KeywardError('conflict', `"${item.label}" is ${item.state.replace('_', ' ')}, not in the safe`, 'item');
  const sealMismatch = input.sealMismatch === true;
  const seal = findSealBySerial(session.db, brokenSeal);
  if (seal?.state === 'broken') throw new KeywardError('conflict', `seal ${brokenSeal} was already broken; a seal serial is never reused`, 'brokenSeal');
  if (item.sealSerial !== null && brokenSeal !== item.sealSerial && !sealMismatch) {
    throw new KeywardError(
      'conflict',
      `${item.label} is recorded under seal ${item.sealSerial}, not ${brokenSeal}: break the seal it is stored under, or, if it was found under ${brokenSeal}, record a seal mismatch (a critical finding)`,
      'brokenSeal',
    );
  }
  if (sealMismatch && (item.sealSerial === null || brokenSeal === item.sealSerial)) {
    throw new KeywardError('invalid_input', `${brokenSeal} is the seal ${item.label} is recorded under${item.sealSerial === null ? ' (none is recorded)' : ''}: there is no mismatch to record`, 'sealMismatch');
  }
  // A bag found under a seal nobody registered is exactly what a mismatch records; otherwise the seal must be known.
  if (!seal && !sealMismatch) throw new KeywardError('not_found', `seal ${brokenSeal} is not registered`, 'brokenSeal');
  if (seal?.holds && seal.holds !== item.label) throw new KeywardError('conflict', `seal ${brokenSeal} holds ${seal.holds}, not ${item.label}`, 'brokenSeal');

  const prepared = prepareEntry(
    session.db,
    {
      kind: 'custody.checked_out',
      actors: [{ role: 'custodian', name: custodian.name }, ...(witness ? [{ role: 'witness' as const, name: witness.name }] : [])],
      payload: {
        authenticatorId: item.id,
        label: item.label,
        custodianId: custodian.id,
        witnessId: witness?.id ?? null,
        reason,
        ticket,
        expectedReturnAt,
        brokenSeal,
        recordedSeal: item.sealSerial,
        sealMismatch,
        sealIntact: input.sealIntact,
        noWitness: withoutWitness,
        drill: sources.custodianKeys.simulated,
      },
    },
    timestamp(session.clock),
  );
  const approvers = [{ custodian, role: 'custodian' as const }, ...(witness ? [{ custodian: witness, role: 'witness' as const }] : [])];
  const entry = await approveAndWrite(session, sources.custodianKeys, prepared, approvers, onApproval, (seq) => {
    if (findOpenCheckout(session.db, item.id)) throw new KeywardError('conflict', `"${item.label}" was checked out meanwhile`, 'item');
    insertCheckout(session.db, {
      authenticatorId: item.id,
      custodianId: custodian.id,
      witnessId: witness?.id ?? null,
      reason,
      ticket,
      expectedReturnAt,
      brokenSeal,
      sealIntact: input.sealIntact as boolean,
      checkedOutAt: prepared.recordedAt,
      checkoutSeq: seq,
    });
    setAuthenticatorState(session.db, item.id, 'checked_out');
    setSealState(session.db, brokenSeal, 'broken');
    setItemSeal(session.db, item.id, null);
  });
  return { entry, checkout: findOpenCheckout(session.db, item.id)! };
}

export interface ReturnInput {
  readonly item?: unknown;
  readonly custodian?: unknown;
  readonly witness?: unknown;
  readonly newSeal?: unknown;
}

/**
 * Puts an item back: a FIDO2 key is presence-checked first (the same key, its counter delta
 * recorded against the checkout), a smartcard likewise (the same card, proving possession), the
 * new seal is recorded, and both custodians sign.
 */
export async function returnItem(session: Session, sources: CustodySources, input: ReturnInput, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const item = findItem(session, input.item);
  requireItemMode(item, sources.custodianKeys);
  const newSeal = parseSealSerial(input.newSeal, 'newSeal');
  const custodian = approverNamed(session, input.custodian, 'custodian');
  const witness = approverNamed(session, input.witness, 'witness');
  if (witness.id === custodian.id) throw new KeywardError('invalid_input', 'the witness must be a different custodian from the one returning the item', 'witness');
  const open = findOpenCheckout(session.db, item.id);
  if (!open) throw new KeywardError('conflict', `"${item.label}" is not checked out: there is no open checkout to return`, 'item');
  const seal = findSealBySerial(session.db, newSeal);
  if (!seal) throw new KeywardError('not_found', `seal ${newSeal} is not registered`, 'newSeal');
  if (seal.state !== 'unused') throw new KeywardError('conflict', `seal ${newSeal} has been used before; a seal serial is never reused`, 'newSeal');

  // The presence check and the return are written together or not at all: a return that fails after
  // its check leaves no check behind. The check's entry is prepared now and the return follows it.
  let check: { pending: PendingCheck; prepared: UnsealedEntry } | undefined;
  const holdBack: CheckRecorder = (pending) => {
    check = { pending, prepared: prepareEntry(session.db, pending.entry, timestamp(session.clock)) };
    return check.prepared;
  };
  let presence: KeyCheckResult | undefined;
  if (item.kind === 'fido2' && item.enrolled && keysToCheck(session, item.simulated).some((k) => k.id === item.id)) {
    // The checkout explains any use of the key while it was out; the delta is recorded against it.
    [presence] = await runPresenceCheck(session, sources.emergencyKeys, { key: String(item.id), loggedUses: Number.MAX_SAFE_INTEGER, record: holdBack });
  }
  let cardPresence: CardCheckResult | undefined;
  if (item.kind === 'smartcard' && item.enrolled && sources.emergencyCards && cardsToCheck(session, item.simulated).some((c) => c.id === item.id)) {
    [cardPresence] = await runCardCheck(session, sources.emergencyCards, { card: String(item.id), record: holdBack });
  }
  const prepareReturn = (entry: NewLedgerEntry, at: LedgerTimestamp) => (check ? prepareEntryAfter(check.prepared, entry, at) : prepareEntry(session.db, entry, at));
  const prepared = prepareReturn(
    {
      kind: 'custody.returned',
      actors: [
        { role: 'custodian', name: custodian.name },
        { role: 'witness', name: witness.name },
      ],
      payload: {
        authenticatorId: item.id,
        label: item.label,
        checkoutSeq: open.checkoutSeq,
        custodianId: custodian.id,
        witnessId: witness.id,
        newSeal,
        presence: presence
          ? { result: presence.result, ledgerSeq: presence.ledgerSeq, findings: presence.findings.map(describeFinding), signCountDelta: presence.signCountDelta ?? null }
          : cardPresence
            ? { result: cardPresence.result, ledgerSeq: cardPresence.ledgerSeq, findings: cardPresence.findings.map(describeCardFinding), signCountDelta: null }
            : null,
        overdue: isOverdue(open, session.clock.now()),
        drill: sources.custodianKeys.simulated,
      },
    },
    timestamp(session.clock),
  );
  const entry = await approveAndWrite(session, sources.custodianKeys, prepared, [
    { custodian, role: 'custodian' },
    { custodian: witness, role: 'witness' },
  ], onApproval, (seq) => {
    recordReturn(session.db, open.id, { returnedAt: prepared.recordedAt, returnSeq: seq, returnSeal: newSeal });
    setAuthenticatorState(session.db, item.id, 'in_safe');
    setSealState(session.db, newSeal, 'sealing');
    setItemSeal(session.db, item.id, newSeal);
  }, () => {
    if (!check) return;
    appendPreparedEntry(session.db, check.prepared, []);
    check.pending.apply({ recordedAt: check.prepared.recordedAt, utcOffset: check.prepared.utcOffset });
  });
  return { entry, presence: presence ?? cardPresence };
}

/** A second custodian countersigns an emergency checkout that went without a witness. */
export async function countersign(session: Session, sources: CustodySources, input: { item?: unknown; custodian?: unknown }, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const item = findItem(session, input.item);
  requireItemMode(item, sources.custodianKeys);
  const countersigner = approverNamed(session, input.custodian, 'custodian');
  const open = listCheckouts(session.db).find((c) => c.authenticatorId === item.id && awaitsCountersign(c));
  if (!open) throw new KeywardError('conflict', `"${item.label}" has no checkout waiting for a countersignature`, 'item');
  if (open.custodianId === countersigner.id) throw new KeywardError('invalid_input', 'the countersignature must come from a different custodian', 'custodian');
  const prepared = prepareEntry(
    session.db,
    {
      kind: 'custody.countersigned',
      actors: [{ role: 'witness', name: countersigner.name }],
      payload: { authenticatorId: item.id, label: item.label, checkoutSeq: open.checkoutSeq, countersignerId: countersigner.id, drill: sources.custodianKeys.simulated },
    },
    timestamp(session.clock),
  );
  const entry = await approveAndWrite(session, sources.custodianKeys, prepared, [{ custodian: countersigner, role: 'countersigner' }], onApproval, (seq) => recordCountersign(session.db, open.id, seq));
  return { entry };
}

export function listCustody(session: Pick<Session, 'db' | 'clock'>, filter: { open?: boolean; overdue?: boolean } = {}): CustodyView[] {
  const now = session.clock.now();
  return listCheckouts(session.db, { open: filter.open || filter.overdue })
    .map((c) => ({ ...c, overdue: c.returnedAt === null && isOverdue(c, now), awaitingCountersign: awaitsCountersign(c) }))
    .filter((c) => !filter.overdue || c.overdue);
}

/** Records the seal an item in the safe is stored under, when none is recorded yet (a new item, say); later returns reseal it. */
export function sealItem(session: Session, input: { item?: unknown; serial?: unknown }) {
  const item = findItem(session, input.item);
  const serial = parseSealSerial(input.serial, 'serial');
  return recorded(session, (at) => {
    if (item.state !== 'in_safe') throw new KeywardError('conflict', `"${item.label}" is ${item.state.replace('_', ' ')}: only an item in the safe is sealed`, 'item');
    if (item.sealSerial) throw new KeywardError('conflict', `"${item.label}" is already under seal ${item.sealSerial}; a new seal is recorded when it is returned`, 'item');
    const seal = findSealBySerial(session.db, serial);
    if (!seal) throw new KeywardError('not_found', `seal ${serial} is not registered`, 'serial');
    if (seal.state !== 'unused') throw new KeywardError('conflict', `seal ${serial} has been used before; a seal serial is never reused`, 'serial');
    setSealState(session.db, serial, 'sealing');
    setItemSeal(session.db, item.id, serial);
    appendEntry(session.db, { kind: 'seal.applied', actors: [session.actor], payload: { authenticatorId: item.id, label: item.label, serial } }, at);
    return { ...seal, state: 'sealing' as const, holds: item.label };
  });
}
