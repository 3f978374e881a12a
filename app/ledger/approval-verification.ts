import { createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import { approvalChallengeInput, type Approval, type UnsealedEntry } from '../../core/ledger/ledger';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { decodeCanonical, requireMap } from '../../native/ctap2/cbor';

const b64url = (text: string) => Buffer.from(text, 'base64url');

/** A COSE EC2 P-256 key (as enrolment stores it, base64url) as a key node:crypto can verify with. */
export function publicKeyFromCose(coseB64url: string): KeyObject {
  const cose = requireMap(decodeCanonical(new Uint8Array(b64url(coseB64url))), 'COSE key');
  const x = cose.get(-2);
  const y = cose.get(-3);
  if (cose.get(1) !== 2 || cose.get(-1) !== 1 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) throw new Error('not an EC2 P-256 COSE key');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') }, format: 'jwk' });
}

/** The base64url challenge custodians sign for an entry. */
export const approvalChallenge = (entry: UnsealedEntry): string => hash('sha256', approvalChallengeInput(entry), 'base64url');

export interface CustodianKey {
  readonly custodianId: number;
  readonly publicKey: KeyObject;
}

/**
 * Checks one approval against the entry it claims to approve: the challenge is this entry's own
 * hash input, the origin and RP are Keyward's, the key was touched, and the signature verifies
 * with the custodian's enrolled public key. Returns what is wrong, or nothing.
 */
export function checkApproval(entry: UnsealedEntry, approval: Approval, key: CustodianKey | undefined): string | undefined {
  if (!key) return `the ${approval.role}'s approval was made with a key no custodian enrolled (${approval.credentialId.slice(0, 12)}…)`;
  if (key.custodianId !== approval.custodianId) return `the ${approval.role}'s approval names custodian ${approval.custodianId} but the key belongs to custodian ${key.custodianId}`;
  let clientData: { type?: unknown; challenge?: unknown; origin?: unknown };
  try {
    clientData = JSON.parse(b64url(approval.clientDataJSON).toString('utf8'));
  } catch {
    return `the ${approval.role}'s client data is not JSON`;
  }
  if (clientData.type !== 'webauthn.get') return `the ${approval.role}'s approval is not an assertion`;
  if (clientData.challenge !== approvalChallenge(entry)) return `the ${approval.role}'s signature is over a different entry (replayed or forged approval)`;
  if (clientData.origin !== KEYWARD_ORIGIN) return `the ${approval.role}'s approval was made for another origin`;
  const authData = b64url(approval.authenticatorData);
  if (authData.length < 37 || !authData.subarray(0, 32).equals(hash('sha256', KEYWARD_RP_ID, 'buffer'))) return `the ${approval.role}'s approval was made for another relying party`;
  if ((authData[32]! & 0x01) === 0) return `the ${approval.role}'s key was not touched`;
  const signed = Buffer.concat([authData, hash('sha256', b64url(approval.clientDataJSON), 'buffer')]);
  if (!verify('sha256', signed, { key: key.publicKey, dsaEncoding: 'der' }, b64url(approval.signature))) return `the ${approval.role}'s signature does not verify`;
  return undefined;
}

interface EntryWithApprovals extends UnsealedEntry {
  readonly approvals?: readonly Approval[];
}

/**
 * A ledger inspector for verification: it learns custodians' keys from their enrolment entries,
 * in ledger order, and re-checks every stored approval offline from those public keys.
 */
export function createApprovalInspector(): (body: string, seq: number) => string | undefined {
  const keys = new Map<string, CustodianKey>();
  const deactivated = new Set<number>();
  return (body) => {
    // Cheap filters first: most entries carry neither approvals nor custodian changes.
    const custodianEntry = body.includes('"kind":"custodian.');
    if (!custodianEntry && !body.includes('"approvals":[')) return undefined;
    const entry = JSON.parse(body) as EntryWithApprovals;
    if (entry.kind === 'custodian.key_enrolled') {
      const payload = entry.payload as { custodianId: number; credentialId: string; publicKey: string };
      try {
        keys.set(payload.credentialId, { custodianId: payload.custodianId, publicKey: publicKeyFromCose(payload.publicKey) });
      } catch (error) {
        return `the enrolled custodian key cannot be read: ${(error as Error).message}`;
      }
    }
    if (entry.kind === 'custodian.deactivated') deactivated.add((entry.payload as { custodianId: number }).custodianId);
    for (const approval of entry.approvals ?? []) {
      const problem = checkApproval(entry, approval, keys.get(approval.credentialId));
      if (problem) return problem;
      if (deactivated.has(approval.custodianId)) return `the ${approval.role} had been deactivated and could not approve`;
    }
    return undefined;
  };
}
