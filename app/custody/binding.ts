import { KeywardError } from '../../core/errors';
import { parseText, parseUpn, type Authenticator } from '../../core/inventory/inventory';
import { findAccountByUpn } from '../../db/accounts';
import { setAuthenticatorAccount } from '../../db/authenticators';
import { findOpenCheckout, setAuthenticatorState } from '../../db/custody';
import { prepareEntry, type NewLedgerEntry } from '../../db/ledger';
import type { KeySource } from '../presence/key-sources';
import { timestamp, type Session } from '../ports';
import { circleApprovers, circleFounded } from './circle';
import { approveAndWrite, type ApprovalStep } from './custodian-keys';
import { findItem, requireItemMode } from './custody';

/**
 * Which emergency account an item opens, and whether it is in service at all, belong to the
 * circle of trust: once the circle is founded, binding, unbinding and retiring an item each need
 * two custodians' approval, touching their own keys (drill keys only for a drill item).
 */
interface ItemChange {
  readonly item?: unknown;
  /** Two existing custodians' names. */
  readonly approvers?: unknown;
  readonly reason?: unknown;
}

/** Refuses to bind an item at add or enrolment once the circle is founded: binding is then a change under dual control. */
export function refuseUnapprovedBinding(session: Pick<Session, 'db'>, label: string, simulated: boolean): void {
  if (circleFounded(session, simulated)) {
    throw new KeywardError('conflict', `binding ${label} to an account needs two custodians' approval: add it without an account, then bind it (keyward key bind)`, 'account');
  }
}

async function changeItem(session: Session, keys: KeySource, item: Authenticator, input: ItemChange, entry: NewLedgerEntry, write: () => void, onApproval: (step: ApprovalStep) => void) {
  requireItemMode(item, keys);
  const approvers = circleApprovers(session, input, '');
  const prepared = prepareEntry(session.db, entry, timestamp(session.clock));
  return approveAndWrite(session, keys, prepared, approvers, onApproval, write);
}

export async function bindAuthenticator(session: Session, keys: KeySource, input: ItemChange & { account?: unknown }, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const item = findItem(session, input.item);
  const upn = parseUpn(input.account, 'account');
  const account = findAccountByUpn(session.db, upn);
  if (!account) throw new KeywardError('not_found', `no emergency account ${upn}; add it first`, 'account');
  if (item.accountUpn === account.upn) throw new KeywardError('conflict', `${item.label} is already bound to ${account.upn}`, 'account');
  if (item.accountUpn) throw new KeywardError('conflict', `${item.label} is bound to ${item.accountUpn}: unbind it first`, 'account');
  if (item.state === 'retired' || item.state === 'lost') throw new KeywardError('conflict', `${item.label} is ${item.state}: it is bound to nothing`, 'item');
  const reason = parseText(input.reason, 'reason', { required: false, max: 300 });
  const entry = await changeItem(
    session,
    keys,
    item,
    input,
    { kind: 'authenticator.bound', actors: [session.actor], payload: { authenticatorId: item.id, label: item.label, accountId: account.id, account: account.upn, reason, drill: item.simulated } },
    () => setAuthenticatorAccount(session.db, item.id, account.id),
    onApproval,
  );
  return { entry };
}

export async function unbindAuthenticator(session: Session, keys: KeySource, input: ItemChange, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const item = findItem(session, input.item);
  if (!item.accountUpn) throw new KeywardError('conflict', `${item.label} is not bound to an account`, 'item');
  const reason = parseText(input.reason, 'reason', { required: true, max: 300 });
  const entry = await changeItem(
    session,
    keys,
    item,
    input,
    { kind: 'authenticator.unbound', actors: [session.actor], payload: { authenticatorId: item.id, label: item.label, account: item.accountUpn, reason, drill: item.simulated } },
    () => setAuthenticatorAccount(session.db, item.id, null),
    onApproval,
  );
  return { entry };
}

export async function retireAuthenticator(session: Session, keys: KeySource, input: ItemChange, onApproval: (step: ApprovalStep) => void = () => undefined) {
  const item = findItem(session, input.item);
  if (item.state === 'retired') throw new KeywardError('conflict', `${item.label} is already retired`, 'item');
  if (findOpenCheckout(session.db, item.id)) throw new KeywardError('conflict', `${item.label} is checked out: return it before retiring it`, 'item');
  const reason = parseText(input.reason, 'reason', { required: true, max: 300 });
  const entry = await changeItem(
    session,
    keys,
    item,
    input,
    { kind: 'authenticator.retired', actors: [session.actor], payload: { authenticatorId: item.id, label: item.label, reason, drill: item.simulated } },
    () => setAuthenticatorState(session.db, item.id, 'retired'),
    onApproval,
  );
  return { entry };
}
