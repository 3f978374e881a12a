import { modelName } from '../../core/presence/aaguid-models';
import { KeywardError } from '../../core/errors';
import { parseText, type Custodian } from '../../core/inventory/inventory';
import type { UnsealedEntry } from '../../core/ledger/ledger';
import { refuseLookAlike } from '../../core/text/confusables';
import { deactivateCustodianRow, findCustodianCredential, insertCustodianCredential, replaceCustodianCredential, saveCustodianDrillKey, updateCustodianSignCount } from '../../db/custody';
import { findCustodianByName, insertCustodian, listCustodians, nextCustodianId } from '../../db/custodians';
import { appendPreparedEntry, prepareEntry } from '../../db/ledger';
import type { KeySource } from '../presence/key-sources';
import { registerKeywardCredential } from '../presence/keyward-credential';
import { timestamp, type Session } from '../ports';
import { approveAndWrite, approverNamed, collectApprovalWith, type ApprovalStep } from './custodian-keys';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** A key registered for a custodian, not yet in the ledger. */
interface NewCustodianKey {
  readonly name: string;
  readonly credentialId: string;
  readonly publicKey: string;
  readonly aaguid: string;
  readonly signCount: number;
  readonly drillState?: unknown;
}

async function registerKey(source: KeySource, name: string, onTouch: () => void): Promise<NewCustodianKey> {
  const key = await source.open({ label: `${name}'s key` });
  try {
    const { credential, aaguid } = await registerKeywardCredential(key.ctap2, name, onTouch);
    return { name, credentialId: credential.id, publicKey: b64url(credential.publicKey), aaguid, signCount: credential.counter, drillState: key.drillState?.() };
  } finally {
    await key.close().catch(() => undefined);
  }
}

const keyPayload = (custodianId: number, key: NewCustodianKey, drill: boolean) => ({
  custodianId,
  name: key.name,
  credentialId: key.credentialId,
  publicKey: key.publicKey,
  aaguid: key.aaguid,
  model: modelName(key.aaguid),
  drill,
});

/** Whether the circle of this mode (real keys, or drill keys) has been founded: some custodian holds a key of that kind. */
export function circleFounded(session: Pick<Session, 'db'>, simulated: boolean): boolean {
  return session.db.prepare('SELECT 1 FROM custodian_credentials WHERE simulated = ? LIMIT 1').pluck().get(simulated ? 1 : 0) !== undefined;
}

function newCustodianName(session: Pick<Session, 'db'>, value: unknown, field: string): string {
  const name = parseText(value, field, { required: true, max: 80 });
  const existing = findCustodianByName(session.db, name);
  if (existing) throw new KeywardError('conflict', `${existing.name} is already a custodian`, field);
  refuseLookAlikeCustodian(session, name, field);
  return name;
}

/** A new custodian's name must not pass for an existing custodian's, active or not, on screen or on a printed report. */
function refuseLookAlikeCustodian(session: Pick<Session, 'db'>, name: string, field: string): void {
  refuseLookAlike(name, listCustodians(session.db).map((c) => ({ text: c.name, as: `the custodian ${c.name}` })), field);
}

/** Stores a custodian's key and the custodian if new, under the id the signed entry names. */
function storeKey(session: Session, custodianId: number, isNew: boolean, key: NewCustodianKey, simulated: boolean, at: string): void {
  if (isNew) insertCustodian(session.db, { id: custodianId, name: key.name, createdAt: at });
  insertCustodianCredential(session.db, { custodianId, credentialId: key.credentialId, publicKey: key.publicKey, aaguid: key.aaguid, model: modelName(key.aaguid), signCount: key.signCount, simulated, enrolledAt: at });
  if (key.drillState) saveCustodianDrillKey(session.db, custodianId, key.drillState);
}

/**
 * The first two custodians found the circle of trust together: each registers their own key, and
 * one entry carrying both public keys is signed by both. Nobody can join alone, before or after.
 */
export async function foundCircle(session: Session, source: KeySource, input: { first?: unknown; second?: unknown }, onTouch: (name: string) => void = () => undefined): Promise<Custodian[]> {
  if (circleFounded(session, source.simulated)) {
    throw new KeywardError('conflict', `the circle of ${source.simulated ? 'drill ' : ''}custodians is already founded; a new custodian is enrolled with two custodians' approval`, 'first');
  }
  const firstName = newCustodianName(session, input.first, 'first');
  const secondName = newCustodianName(session, input.second, 'second');
  if (firstName.toLowerCase() === secondName.toLowerCase()) throw new KeywardError('invalid_input', 'the circle is founded by two different people', 'second');
  refuseLookAlike(secondName, [{ text: firstName, as: `the first custodian, ${firstName}` }], 'second');
  const keys = [await registerKey(source, firstName, () => onTouch(firstName)), await registerKey(source, secondName, () => onTouch(secondName))];
  const firstId = nextCustodianId(session.db);
  const ids = [firstId, firstId + 1];
  const prepared = prepareEntry(
    session.db,
    {
      kind: 'custodians.founded',
      actors: keys.map((k, i) => ({ role: i === 0 ? ('custodian' as const) : ('witness' as const), name: k.name })),
      payload: { custodians: keys.map((k, i) => keyPayload(ids[i]!, k, source.simulated)), drill: source.simulated },
    },
    timestamp(session.clock),
  );
  // A drill key must be found in the drill store when it is asked to sign (the drill store is a file of its own).
  keys.forEach((key, i) => key.drillState && saveCustodianDrillKey(session.db, ids[i]!, key.drillState));
  const approvals: Awaited<ReturnType<typeof collectApprovalWith>>[] = [];
  for (const [i, key] of keys.entries()) {
    approvals.push(await collectApprovalWith(source, { id: ids[i]!, name: key.name, active: true, createdAt: prepared.recordedAt, key: source.simulated ? 'drill' : 'real' }, { ...key, simulated: source.simulated }, prepared, i === 0 ? 'custodian' : 'witness', () => onTouch(key.name)));
  }
  return session.db
    .transaction(() => {
      // Each key is stored as it stands after its approval (a drill key's counter moved on).
      keys.forEach((key, i) => storeKey(session, ids[i]!, true, { ...key, drillState: approvals[i]!.drillState ?? key.drillState }, source.simulated, prepared.recordedAt));
      appendPreparedEntry(session.db, prepared, approvals.map((a) => a.approval));
      for (const a of approvals) updateCustodianSignCount(session.db, a.custodian.id, a.newSignCount);
      return ids.map((id, i): Custodian => ({ id, name: keys[i]!.name, active: true, createdAt: prepared.recordedAt, key: source.simulated ? 'drill' : 'real' }));
    })
    .immediate();
}

/** Two existing custodians approve a change to the circle; neither may be the person it is about. */
export function circleApprovers(session: Session, input: { approvers?: unknown }, subject: string) {
  const names = Array.isArray(input.approvers) ? input.approvers : [];
  if (names.length !== 2) throw new KeywardError('invalid_input', 'a change to the circle of custodians needs two approving custodians', 'approvers');
  const approvers = names.map((name) => approverNamed(session, name, 'approvers'));
  if (approvers[0]!.id === approvers[1]!.id) throw new KeywardError('invalid_input', 'the two approvers must be different custodians', 'approvers');
  const own = approvers.find((a) => a.name.toLowerCase() === subject.toLowerCase());
  if (own) throw new KeywardError('invalid_input', `${own.name} cannot approve a change about themselves`, 'approvers');
  return [
    { custodian: approvers[0]!, role: 'custodian' as const },
    { custodian: approvers[1]!, role: 'witness' as const },
  ];
}

export interface EnrolCustodianInput {
  readonly name?: unknown;
  /** Two existing custodians' names. */
  readonly approvers?: unknown;
}

/**
 * A custodian registers their own FIDO2 key, approved by two existing custodians touching theirs:
 * Keyward creates a credential on it under its own RP ID, verifies the registration, and records
 * the public key in the ledger, so every later approval can be checked offline from the ledger alone.
 */
export async function enrolCustodianKey(session: Session, source: KeySource, input: EnrolCustodianInput, onTouch: () => void = () => undefined, onApproval: (step: ApprovalStep) => void = () => undefined): Promise<Custodian> {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  if (!circleFounded(session, source.simulated)) {
    throw new KeywardError('conflict', `the circle of ${source.simulated ? 'drill ' : ''}custodians is not founded yet: the first two custodians found it together (keyward custodian found)`, 'name');
  }
  const existing = findCustodianByName(session.db, name);
  if (existing && !existing.active) throw new KeywardError('conflict', `${existing.name} was deactivated and cannot enrol a key`, 'name');
  if (existing && findCustodianCredential(session.db, existing.id)) throw new KeywardError('conflict', `${existing.name} already has an enrolled key`, 'name');
  if (!existing) refuseLookAlikeCustodian(session, name, 'name');
  const approvers = circleApprovers(session, input, name);
  const key = await registerKey(source, existing?.name ?? name, onTouch);
  const custodianId = existing?.id ?? nextCustodianId(session.db);
  const prepared: UnsealedEntry = prepareEntry(
    session.db,
    { kind: 'custodian.key_enrolled', actors: [session.actor], payload: { ...keyPayload(custodianId, key, source.simulated), joined: !existing } },
    timestamp(session.clock),
  );
  await approveAndWrite(session, source, prepared, approvers, onApproval, () => storeKey(session, custodianId, !existing, key, source.simulated, prepared.recordedAt));
  return { id: custodianId, name: key.name, active: true, createdAt: existing?.createdAt ?? prepared.recordedAt, key: source.simulated ? 'drill' : 'real' };
}

/** A staff change, approved by two other custodians: the custodian can no longer approve anything. */
export async function deactivateCustodian(session: Session, source: KeySource, input: { name?: unknown; reason?: unknown; approvers?: unknown }, onApproval: (step: ApprovalStep) => void = () => undefined): Promise<Custodian> {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  const reason = parseText(input.reason, 'reason', { required: false, max: 200 });
  const custodian = findCustodianByName(session.db, name);
  if (!custodian) throw new KeywardError('not_found', `no custodian named "${name}"`, 'name');
  if (!custodian.active) throw new KeywardError('conflict', `${custodian.name} is already deactivated`, 'name');
  const approvers = circleApprovers(session, input, custodian.name);
  const prepared = prepareEntry(
    session.db,
    // A change of staff makes the guidance's validation due at once.
    { kind: 'custodian.deactivated', actors: [session.actor], payload: { custodianId: custodian.id, name: custodian.name, reason, validationDue: true, drill: source.simulated } },
    timestamp(session.clock),
  );
  await approveAndWrite(session, source, prepared, approvers, onApproval, () => deactivateCustodianRow(session.db, custodian.id, prepared.recordedAt));
  return { ...custodian, active: false };
}

/**
 * A custodian's lost or broken key is replaced with a new one of theirs, approved by two other
 * custodians; from then on the old key approves nothing.
 */
export async function replaceCustodianKey(session: Session, source: KeySource, input: { name?: unknown; reason?: unknown; approvers?: unknown }, onTouch: () => void = () => undefined, onApproval: (step: ApprovalStep) => void = () => undefined): Promise<Custodian> {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  const reason = parseText(input.reason, 'reason', { required: true, max: 200 });
  const custodian = findCustodianByName(session.db, name);
  if (!custodian) throw new KeywardError('not_found', `no custodian named "${name}"`, 'name');
  if (!custodian.active) throw new KeywardError('conflict', `${custodian.name} has been deactivated`, 'name');
  const old = findCustodianCredential(session.db, custodian.id);
  if (!old) throw new KeywardError('conflict', `${custodian.name} has no key to replace: enrol one`, 'name');
  if (old.simulated !== source.simulated) throw new KeywardError('invalid_input', `${custodian.name}'s key is ${old.simulated ? 'a drill key' : 'a real key'}; replace it in the matching mode`, 'name');
  const approvers = circleApprovers(session, input, custodian.name);
  const key = await registerKey(source, custodian.name, onTouch);
  const prepared = prepareEntry(
    session.db,
    { kind: 'custodian.key_replaced', actors: [session.actor], payload: { ...keyPayload(custodian.id, key, source.simulated), previousCredentialId: old.credentialId, reason } },
    timestamp(session.clock),
  );
  await approveAndWrite(session, source, prepared, approvers, onApproval, () => {
    replaceCustodianCredential(session.db, { custodianId: custodian.id, credentialId: key.credentialId, publicKey: key.publicKey, aaguid: key.aaguid, model: modelName(key.aaguid), signCount: key.signCount, simulated: source.simulated, enrolledAt: prepared.recordedAt });
    if (key.drillState) saveCustodianDrillKey(session.db, custodian.id, key.drillState);
  });
  return { ...custodian, key: source.simulated ? 'drill' : 'real' };
}
