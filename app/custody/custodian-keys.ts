import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { modelName } from '../../core/presence/aaguid-models';
import { KeywardError } from '../../core/errors';
import { parseText, type Custodian } from '../../core/inventory/inventory';
import type { Approval, UnsealedEntry } from '../../core/ledger/ledger';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { deactivateCustodianRow, findCustodianCredential, insertCustodianCredential, saveCustodianDrillKey, updateCustodianSignCount } from '../../db/custody';
import { findCustodianByName, insertCustodian } from '../../db/custodians';
import { appendEntry, appendPreparedEntry } from '../../db/ledger';
import { getAssertion } from '../../native/client/webauthn-client';
import { approvalChallenge } from '../ledger/approval-verification';
import type { KeySource } from '../presence/key-sources';
import { registerKeywardCredential, touchPrompt } from '../presence/keyward-credential';
import { recorded, type Session } from '../ports';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * A custodian registers their own FIDO2 key: Keyward creates a credential on it under its own RP
 * ID, verifies the registration, and records the public key in the ledger, so that every later
 * approval can be checked offline from the ledger alone.
 */
export async function enrolCustodianKey(session: Session, source: KeySource, input: Record<string, unknown>, onTouch: () => void = () => undefined): Promise<Custodian> {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  const { db } = session;
  const existing = findCustodianByName(db, name);
  if (existing && !existing.active) throw new KeywardError('conflict', `${existing.name} was deactivated and cannot enrol a key`, 'name');
  if (existing && findCustodianCredential(db, existing.id)) throw new KeywardError('conflict', `${existing.name} already has an enrolled key`, 'name');
  const key = await source.open({ label: `${name}'s key` });
  try {
    const { credential, aaguid } = await registerKeywardCredential(key.ctap2, name, onTouch);
    const drillState = key.drillState?.();
    return recorded(session, (at) => {
      let custodian = findCustodianByName(db, name);
      if (!custodian) {
        custodian = insertCustodian(db, { name, createdAt: at.recordedAt });
        appendEntry(db, { kind: 'custodian.added', actors: [session.actor], payload: { custodianId: custodian.id, name } }, at);
      }
      const publicKey = b64url(credential.publicKey);
      insertCustodianCredential(db, { custodianId: custodian.id, credentialId: credential.id, publicKey, aaguid, model: modelName(aaguid), signCount: credential.counter, simulated: source.simulated, enrolledAt: at.recordedAt });
      if (drillState) saveCustodianDrillKey(db, custodian.id, drillState);
      appendEntry(
        db,
        {
          kind: 'custodian.key_enrolled',
          actors: [session.actor],
          payload: { custodianId: custodian.id, name: custodian.name, credentialId: credential.id, publicKey, aaguid, model: modelName(aaguid), drill: source.simulated },
        },
        at,
      );
      return custodian;
    });
  } finally {
    await key.close().catch(() => undefined);
  }
}

/** A staff change: the custodian can no longer approve anything. */
export function deactivateCustodian(session: Session, input: Record<string, unknown>): Custodian {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  const reason = parseText(input.reason, 'reason', { required: false, max: 200 });
  return recorded(session, (at) => {
    const custodian = findCustodianByName(session.db, name);
    if (!custodian) throw new KeywardError('not_found', `no custodian named "${name}"`, 'name');
    if (!custodian.active) throw new KeywardError('conflict', `${custodian.name} is already deactivated`, 'name');
    deactivateCustodianRow(session.db, custodian.id, at.recordedAt);
    // A change of staff makes the guidance's validation due at once.
    appendEntry(session.db, { kind: 'custodian.deactivated', actors: [session.actor], payload: { custodianId: custodian.id, name: custodian.name, reason, validationDue: true } }, at);
    return { ...custodian, active: false };
  });
}

export interface CollectedApproval {
  readonly approval: Approval;
  readonly custodian: Custodian;
  readonly newSignCount: number;
}

/** Finds an active custodian who has a key enrolled, or says exactly why they cannot approve. */
export function approverNamed(session: Pick<Session, 'db'>, value: unknown, field: string): Custodian {
  const name = parseText(value, field, { required: true, max: 80 });
  const custodian = findCustodianByName(session.db, name);
  if (!custodian) throw new KeywardError('not_found', `no custodian named "${name}"`, field);
  if (!custodian.active) throw new KeywardError('invalid_input', `${custodian.name} has been deactivated and cannot approve`, field);
  if (!findCustodianCredential(session.db, custodian.id)) throw new KeywardError('invalid_input', `${custodian.name} has no key enrolled; enrol it first`, field);
  return custodian;
}

/**
 * Asks a custodian's own key for an assertion over the prepared entry and verifies it as a
 * relying party would; the key's counter must have moved on, so an old assertion cannot be reused.
 */
export async function collectApproval(session: Session, source: KeySource, custodian: Custodian, entry: UnsealedEntry, role: Approval['role'], onTouch: () => void = () => undefined): Promise<CollectedApproval> {
  const credential = findCustodianCredential(session.db, custodian.id)!;
  if (credential.simulated !== source.simulated) throw new KeywardError('invalid_input', `${custodian.name}'s key is ${credential.simulated ? 'a drill key' : 'a real key'}; use the matching mode`, role);
  const challenge = approvalChallenge(entry);
  const key = await source.open({ authenticatorId: custodian.id, label: `${custodian.name}'s key` });
  try {
    const { authentication } = await getAssertion(
      key.ctap2,
      { rpId: KEYWARD_RP_ID, origin: KEYWARD_ORIGIN, challenge: new Uint8Array(Buffer.from(challenge, 'base64url')), credentialId: new Uint8Array(Buffer.from(credential.credentialId, 'base64url')) },
      { timeoutMs: 60_000, ...touchPrompt(onTouch) },
    );
    const verified = await verifyAuthenticationResponse({
      response: authentication,
      expectedChallenge: challenge,
      expectedOrigin: KEYWARD_ORIGIN,
      expectedRPID: KEYWARD_RP_ID,
      credential: { id: credential.credentialId, publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')), counter: credential.signCount },
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw new KeywardError('verification_failed', `${custodian.name}'s approval did not verify: ${(error as Error).message}`, role);
    });
    if (!verified.verified) throw new KeywardError('verification_failed', `${custodian.name}'s approval did not verify`, role);
    const drillState = key.drillState?.();
    if (drillState) saveCustodianDrillKey(session.db, custodian.id, drillState);
    return {
      custodian,
      newSignCount: verified.authenticationInfo.newCounter,
      approval: {
        role,
        custodianId: custodian.id,
        credentialId: credential.credentialId,
        clientDataJSON: authentication.response.clientDataJSON,
        authenticatorData: authentication.response.authenticatorData,
        signature: authentication.response.signature,
      },
    };
  } finally {
    await key.close().catch(() => undefined);
  }
}

export type ApprovalStep = { readonly role: Approval['role']; readonly name: string; readonly step: 'touch' | 'approved' };

/** Collects each approval in turn, then writes the entry with them, or nothing at all. */
export async function approveAndWrite(
  session: Session,
  custodianKeys: KeySource,
  prepared: UnsealedEntry,
  approvers: readonly { custodian: ReturnType<typeof approverNamed>; role: Approval['role'] }[],
  onApproval: (step: ApprovalStep) => void,
  write: (entrySeq: number) => void = () => undefined,
) {
  const collected: CollectedApproval[] = [];
  for (const { custodian, role } of approvers) {
    collected.push(await collectApproval(session, custodianKeys, custodian, prepared, role, () => onApproval({ role, name: custodian.name, step: 'touch' })));
    onApproval({ role, name: custodian.name, step: 'approved' });
  }
  return session.db
    .transaction(() => {
      const entry = appendPreparedEntry(session.db, prepared, collected.map((c) => c.approval));
      for (const c of collected) updateCustodianSignCount(session.db, c.custodian.id, c.newSignCount);
      write(entry.seq);
      return entry;
    })
    .immediate();
}
