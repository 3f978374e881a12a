import { KeywardError, isKeywardError } from '../../core/errors';
import { parseText, type Custodian } from '../../core/inventory/inventory';
import type { Approval, UnsealedEntry } from '../../core/ledger/ledger';
import { summariseEntry } from '../../core/ledger/entry-summary';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { findCustodianCredential, saveCustodianDrillKey, updateCustodianSignCount } from '../../db/custody';
import { findCustodianByName } from '../../db/custodians';
import { appendPreparedEntry } from '../../db/ledger';
import { getAssertion } from '../../native/client/webauthn-client';
import { CtapStatus } from '../../native/ctap2/constants';
import { CtapError } from '../../native/ctap2/errors';
import { approvalChallenge } from '../ledger/approval-verification';
import type { KeySource } from '../presence/key-sources';
import { touchPrompt } from '../presence/keyward-credential';
import { personAnswer } from '../presence/touch-answers';
import type { Session } from '../ports';

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
  const collected = await collectApprovalWith(source, custodian, findCustodianCredential(session.db, custodian.id)!, entry, role, onTouch);
  if (collected.drillState) saveCustodianDrillKey(session.db, custodian.id, collected.drillState);
  return collected;
}

/** The same, with the custodian's credential given (it may not be stored yet: the founding of the circle). */
export async function collectApprovalWith(
  source: KeySource,
  custodian: Custodian,
  credential: { readonly credentialId: string; readonly publicKey: string; readonly signCount: number; readonly simulated: boolean },
  entry: UnsealedEntry,
  role: Approval['role'],
  onTouch: () => void = () => undefined,
): Promise<CollectedApproval & { readonly drillState?: unknown }> {
  if (credential.simulated !== source.simulated) throw new KeywardError('invalid_input', `${custodian.name}'s key is ${credential.simulated ? 'a drill key' : 'a real key'}; use the matching mode`, role);
  const challenge = approvalChallenge(entry);
  // Imported when a signature is to be checked: it takes about half a second to load, and most
  // commands (status, lists, reports) never check one.
  const { verifyAuthenticationResponse } = await import('@simplewebauthn/server');
  const key = await source.open({ authenticatorId: custodian.id, label: `${custodian.name}'s key` });
  try {
    const { authentication } = await getAssertion(
      key.ctap2,
      { rpId: KEYWARD_RP_ID, origin: KEYWARD_ORIGIN, challenge: new Uint8Array(Buffer.from(challenge, 'base64url')), credentialId: new Uint8Array(Buffer.from(credential.credentialId, 'base64url')) },
      { timeoutMs: 60_000, ...touchPrompt(onTouch) },
    ).catch((error: unknown) => {
      throw approvalNotGiven(custodian, role, error);
    });
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
    return {
      custodian,
      newSignCount: verified.authenticationInfo.newCounter,
      drillState: key.drillState?.(),
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

/**
 * Why a custodian's key gave no approval, in words for the custodians at the desk and at the role's
 * field: a refused or missing touch, another key than theirs, or a key that could not be used.
 * Nothing was written: the entry is written only once every approval is in.
 */
function approvalNotGiven(custodian: Custodian, role: Approval['role'], error: unknown): KeywardError {
  if (isKeywardError(error)) return error;
  const person = personAnswer(error);
  if (person) return new KeywardError('device', `${custodian.name} gave no approval: ${person}; nothing was written`, role);
  if (error instanceof CtapError && error.status === CtapStatus.NO_CREDENTIALS) {
    return new KeywardError('device', `the key touched for ${custodian.name} does not hold their enrolled credential (${error.statusName}), so it is not their key; nothing was written`, role);
  }
  return new KeywardError('device', `${custodian.name}'s key could not give an approval (${error instanceof Error ? error.message : String(error)}); nothing was written`, role);
}

/** What a custodian signs, shown before they touch: the entry's place in the chain, its summary, and the digest their key signs. */
export interface SigningEntry {
  readonly seq: number;
  readonly summary: string;
  /** The first 16 hex digits of the SHA-256 the key signs (the entry without its approvals). */
  readonly digest: string;
}

export type ApprovalStep = { readonly role: Approval['role']; readonly name: string; readonly step: 'touch' | 'approved'; readonly entry?: SigningEntry };

export const signingEntry = (prepared: UnsealedEntry): SigningEntry => ({
  seq: prepared.seq,
  summary: summariseEntry(prepared),
  digest: Buffer.from(approvalChallenge(prepared), 'base64url').toString('hex').slice(0, 16),
});

/** Collects each approval in turn, then writes the entry with them, or nothing at all. */
export async function approveAndWrite(
  session: Session,
  custodianKeys: KeySource,
  prepared: UnsealedEntry,
  approvers: readonly { custodian: ReturnType<typeof approverNamed>; role: Approval['role'] }[],
  onApproval: (step: ApprovalStep) => void,
  write: (entrySeq: number) => void = () => undefined,
  /** Written first, in the same transaction: an entry the approved one follows (a return's presence check). */
  writeBefore: () => void = () => undefined,
) {
  const collected: CollectedApproval[] = [];
  const signing = signingEntry(prepared);
  for (const { custodian, role } of approvers) {
    collected.push(await collectApproval(session, custodianKeys, custodian, prepared, role, () => onApproval({ role, name: custodian.name, step: 'touch', entry: signing })));
    onApproval({ role, name: custodian.name, step: 'approved' });
  }
  return session.db
    .transaction(() => {
      writeBefore();
      const entry = appendPreparedEntry(session.db, prepared, collected.map((c) => c.approval));
      for (const c of collected) updateCustodianSignCount(session.db, c.custodian.id, c.newSignCount);
      write(entry.seq);
      return entry;
    })
    .immediate();
}

