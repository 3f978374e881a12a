import { createPublicKey, hash, type KeyObject } from 'node:crypto';
import { CanonicalEntryScan } from '../../core/ledger/canonical-entry';
import { approvalChallengeInput, type Approval, type UnsealedEntry } from '../../core/ledger/ledger';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { decodeCanonical, requireMap } from '../../native/ctap2/cbor';
import { checkSignaturesNow, type SignatureChecks, type SignatureKey } from './signature-checks';

const b64url = (text: string) => Buffer.from(text, 'base64url');

/** A COSE EC2 P-256 key (as enrolment stores it, base64url), parsed once, as this thread and the checking threads verify with it. */
function signatureKeyFromCose(coseB64url: string, id: number): SignatureKey {
  const cose = requireMap(decodeCanonical(new Uint8Array(b64url(coseB64url))), 'COSE key');
  const x = cose.get(-2);
  const y = cose.get(-3);
  if (cose.get(1) !== 2 || cose.get(-1) !== 1 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) throw new Error('not an EC2 P-256 COSE key');
  const jwk = { x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') };
  return { id, publicKey: createPublicKey({ key: { kty: 'EC', crv: 'P-256', ...jwk }, format: 'jwk' }), ...jwk };
}

/** A COSE EC2 P-256 key (as enrolment stores it, base64url) as a key node:crypto can verify with. */
export const publicKeyFromCose = (coseB64url: string): KeyObject => signatureKeyFromCose(coseB64url, 0).publicKey;

/** The base64url challenge custodians sign for an entry. */
export const approvalChallenge = (entry: UnsealedEntry): string => hash('sha256', approvalChallengeInput(entry), 'base64url');

/**
 * The same challenge read off a stored canonical body, without re-encoding the entry: the body
 * with its `approvals` member cut out is, byte for byte, what the custodians signed.
 */
function storedChallenge(scan: CanonicalEntryScan, body: string): string | undefined {
  if (!scan.scan(body) || scan.approvalsStart < 0) return undefined;
  return hash('sha256', body.slice(0, scan.approvalsStart) + body.slice(scan.approvalsEnd), 'base64url');
}

const RP_ID_HASH = hash('sha256', KEYWARD_RP_ID, 'buffer');

export interface CustodianKey {
  readonly custodianId: number;
  readonly key: SignatureKey;
}

/**
 * Checks one approval against the entry it claims to approve: the challenge is this entry's own
 * hash input, the origin and RP are Keyward's, the key was touched, and the signature verifies
 * with the custodian's enrolled public key (here, or on another thread: `signatures` decides).
 * Returns what is wrong, or nothing.
 */
function checkApproval(entry: UnsealedEntry, challenge: string, approval: Approval, key: CustodianKey | undefined, signatures: SignatureChecks): string | undefined {
  if (!key) return `the ${approval.role}'s approval was made with a key no custodian enrolled (${approval.credentialId.slice(0, 12)}…)`;
  if (key.custodianId !== approval.custodianId) return `the ${approval.role}'s approval names custodian ${approval.custodianId} but the key belongs to custodian ${key.custodianId}`;
  const clientDataJSON = b64url(approval.clientDataJSON);
  let clientData: { type?: unknown; challenge?: unknown; origin?: unknown };
  try {
    clientData = JSON.parse(clientDataJSON.toString('utf8'));
  } catch {
    return `the ${approval.role}'s client data is not JSON`;
  }
  if (clientData.type !== 'webauthn.get') return `the ${approval.role}'s approval is not an assertion`;
  if (clientData.challenge !== challenge) return `the ${approval.role}'s signature is over a different entry (replayed or forged approval)`;
  if (clientData.origin !== KEYWARD_ORIGIN) return `the ${approval.role}'s approval was made for another origin`;
  const authData = b64url(approval.authenticatorData);
  if (authData.length < 37 || !authData.subarray(0, 32).equals(RP_ID_HASH)) return `the ${approval.role}'s approval was made for another relying party`;
  if ((authData[32]! & 0x01) === 0) return `the ${approval.role}'s key was not touched`;
  // What the key signed: authenticatorData followed by the SHA-256 of clientDataJSON, decoded once.
  const signed = Buffer.allocUnsafe(authData.length + 32);
  authData.copy(signed);
  hash('sha256', clientDataJSON, 'buffer').copy(signed, authData.length);
  return signatures.check({ seq: entry.seq, prevHash: entry.prevHash, problem: `the ${approval.role}'s signature does not verify`, key: key.key, signed, signature: b64url(approval.signature) });
}

interface EntryWithApprovals extends UnsealedEntry {
  readonly approvals?: readonly Approval[];
}

type Required = readonly { readonly role: Approval['role']; readonly custodianId: number | null }[];
const id = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const founders = (p: Readonly<Record<string, unknown>>) => (Array.isArray(p.custodians) ? (p.custodians as { custodianId?: unknown }[]) : []);
/** Two approvers, whoever they are (the subject of the change is excluded separately). */
const twoApprovers: () => Required = () => [
  { role: 'custodian', custodianId: null },
  { role: 'witness', custodianId: null },
];

/** The approvals each kind of entry must carry: who approves, in which role. Entries of other kinds need none. */
const REQUIRED_APPROVALS: Readonly<Record<string, (payload: Readonly<Record<string, unknown>>) => Required>> = {
  'custody.checked_out': (p) => [{ role: 'custodian', custodianId: id(p.custodianId) }, ...(p.noWitness === true ? [] : [{ role: 'witness' as const, custodianId: id(p.witnessId) }])],
  'custody.returned': (p) => [
    { role: 'custodian', custodianId: id(p.custodianId) },
    { role: 'witness', custodianId: id(p.witnessId) },
  ],
  'custody.countersigned': (p) => [{ role: 'countersigner', custodianId: id(p.countersignerId) }],
  'finding.resolved': (p) => [
    { role: 'custodian', custodianId: id(p.custodianId) },
    { role: 'witness', custodianId: id(p.witnessId) },
  ],
  'custodians.founded': (p) => [
    { role: 'custodian', custodianId: id(founders(p)[0]?.custodianId) },
    { role: 'witness', custodianId: id(founders(p)[1]?.custodianId) },
  ],
  'custodian.key_enrolled': twoApprovers,
  'custodian.key_replaced': twoApprovers,
  'custodian.deactivated': twoApprovers,
  'authenticator.bound': twoApprovers,
  'authenticator.unbound': twoApprovers,
  'authenticator.retired': twoApprovers,
  // A key whose attestation does not chain to its vendor's root is enrolled only if two custodians accept it.
  'authenticator.enrolled': (p) => ((p.genuineness as { verdict?: unknown } | undefined)?.verdict === 'not_genuine' ? twoApprovers() : []),
  'validation.attested': () => [{ role: 'custodian', custodianId: null }],
  'validation.waived': () => [{ role: 'custodian', custodianId: null }],
  'ledger.checkpoint': (p) => [
    { role: 'custodian', custodianId: id(p.custodianId) },
    { role: 'witness', custodianId: id(p.witnessId) },
  ],
  // A restore that goes back behind a checkpoint is signed by two custodians; any other needs nobody.
  'ledger.restored': (p) => (p.rollback === true ? twoApprovers() : []),
};

/** Kinds whose drill flag says whether drill keys may approve them; an entry without the flag is real. */
const ITEM_KINDS = ['authenticator.added', 'authenticator.enrolled', 'smartcard.enrolled'];

/** Kinds the inspector reads in full even without approvals (with every kind whose name starts `custodian.`). */
const RELEVANT_KINDS = new Set([...Object.keys(REQUIRED_APPROVALS), ...ITEM_KINDS]);

/** Whether the approvals inspector reads entries of this kind when they carry no approvals (it reads every entry that carries some). */
export const approvalsInspectorReads = (kind: string): boolean => kind.startsWith('custodian.') || RELEVANT_KINDS.has(kind);

function missingApprovals(entry: EntryWithApprovals): string | undefined {
  const required = REQUIRED_APPROVALS[entry.kind]?.(entry.payload) ?? [];
  const approvals = entry.approvals ?? [];
  for (const need of required) {
    const match = approvals.filter((a) => a.role === need.role);
    if (match.length === 0) return `a ${entry.kind} entry needs the ${need.role}'s approval and has none`;
    if (match.length > 1) return `a ${entry.kind} entry carries more than one ${need.role} approval`;
    if (need.custodianId !== null && match[0]!.custodianId !== need.custodianId) return `the ${need.role}'s approval is by custodian ${match[0]!.custodianId}, but the entry names custodian ${need.custodianId}`;
  }
  if (approvals.length > required.length) return `a ${entry.kind} entry carries approvals nobody asked for`;
  if (new Set(approvals.map((a) => a.custodianId)).size !== approvals.length) return 'the same custodian approved twice: dual control needs two different custodians';
  // A change to the circle is never approved by the person it is about.
  if ((entry.kind === 'custodian.key_enrolled' || entry.kind === 'custodian.key_replaced' || entry.kind === 'custodian.deactivated') && approvals.some((a) => a.custodianId === entry.payload.custodianId)) {
    return `custodian ${String(entry.payload.custodianId)} approved a change about themselves`;
  }
  return undefined;
}

/**
 * A ledger inspector for verification: it learns custodians' keys from their enrolment entries,
 * in ledger order, re-checks every stored approval offline from those public keys, requires the
 * approvals each kind of entry must carry, and refuses any approval made with a drill key on an
 * entry that is not a drill, and any drill custody of a real item.
 */
export function createApprovalInspector(signatures: SignatureChecks = checkSignaturesNow()): (body: string, seq: number, kind?: string) => string | undefined {
  const keys = new Map<string, CustodianKey & { readonly drill: boolean }>();
  const scan = new CanonicalEntryScan();
  /** Every key learned gets an id of its own, also when an earlier one was forgotten. */
  let keysLearned = 0;
  const deactivated = new Set<number>();
  const drillItems = new Map<number, boolean>();
  /** Each item's account, as the approved entries so far have it. */
  const bindings = new Map<number, string | null>();
  /** Whether the circle of real custodians, and of drill custodians, has been founded. */
  const founded = { real: false, drill: false };
  const learnKey = (payload: { custodianId?: unknown; credentialId?: unknown; publicKey?: unknown; drill?: unknown }): string | undefined => {
    try {
      keys.set(String(payload.credentialId), { custodianId: Number(payload.custodianId), key: signatureKeyFromCose(String(payload.publicKey), (keysLearned += 1)), drill: payload.drill === true });
      return undefined;
    } catch (error) {
      return `the enrolled custodian key cannot be read: ${(error as Error).message}`;
    }
  };
  return (body, _seq, scanned) => {
    // Cheap filters first: most entries carry neither approvals nor changes to who may approve.
    // In canonical order actors come first, then approvals, then kind: both are found near the start.
    const kindAt = body.indexOf('"kind":"');
    const kind = scanned ?? (kindAt < 0 ? undefined : body.slice(kindAt + 8, body.indexOf('"', kindAt + 8)));
    const relevant = kind !== undefined && approvalsInspectorReads(kind);
    if (!relevant && body.lastIndexOf('"approvals":[', kindAt < 0 ? body.length : kindAt) < 0) return undefined;
    let entry: EntryWithApprovals;
    try {
      entry = JSON.parse(body) as EntryWithApprovals;
    } catch {
      return 'the entry is not well-formed JSON';
    }
    const p = entry.payload as Record<string, unknown>;
    const drillEntry = p.drill === true;
    const mode = drillEntry ? 'drill' : 'real';
    if (entry.kind === 'custodians.founded') {
      if (founded[mode]) return `the circle of ${mode} custodians was founded again: it is founded once, by two custodians together`;
      const people = founders(p);
      if (people.length !== 2) return 'the circle of trust is founded by exactly two custodians';
      // The founders sign with the keys the entry itself introduces.
      for (const person of people) {
        const unreadable = learnKey({ ...person, drill: p.drill });
        if (unreadable) return unreadable;
      }
      founded[mode] = true;
    }
    if (entry.kind === 'custodian.key_enrolled' && !founded[mode]) return `a custodian's key was enrolled before the circle of ${mode} custodians was founded: nobody could approve it`;
    if (ITEM_KINDS.includes(entry.kind) && typeof p.authenticatorId === 'number') {
      // Once the circle is founded, an item is bound to an account only by an approved entry of its own.
      const known = bindings.get(p.authenticatorId) ?? null;
      const account = typeof p.account === 'string' && p.account !== '' ? p.account : null;
      if (account !== null && account !== known && founded[mode]) return `${String(p.label)} was bound to ${account} without two custodians' approval`;
      if (!drillItems.has(p.authenticatorId)) drillItems.set(p.authenticatorId, p.drill === true);
      bindings.set(p.authenticatorId, account ?? known);
    }
    if (entry.kind === 'authenticator.bound') bindings.set(Number(p.authenticatorId), String(p.account));
    if (entry.kind === 'authenticator.unbound') bindings.set(Number(p.authenticatorId), null);
    if (entry.kind.startsWith('authenticator.') && REQUIRED_APPROVALS[entry.kind] && drillEntry !== (drillItems.get(Number(p.authenticatorId)) ?? false)) {
      return `a ${entry.kind} entry for ${String(p.label)} does not match the item's mode (drill or real)`;
    }
    if (entry.kind.startsWith('custody.') && drillEntry && drillItems.get(Number(p.authenticatorId)) === false) {
      return `a drill ${entry.kind} entry for ${String(p.label)}, a real item: real custody is never a drill`;
    }
    const missing = missingApprovals(entry);
    if (missing) return missing;
    // A body the walk proved canonical is cut, not re-encoded; any other (an inspector fed by hand) is encoded afresh.
    const challenge = entry.approvals?.length ? (storedChallenge(scan, body) ?? approvalChallenge(entry)) : '';
    for (const approval of entry.approvals ?? []) {
      const key = keys.get(approval.credentialId);
      const problem = checkApproval(entry, challenge, approval, key, signatures);
      if (problem) return problem;
      if (deactivated.has(approval.custodianId)) return `the ${approval.role} had been deactivated and could not approve`;
      if (key!.drill && !drillEntry) return `the ${approval.role}'s approval was made with a drill key; drill keys never approve anything real`;
    }
    // Only once its enrolment is approved can a new key approve anything.
    if (entry.kind === 'custodian.key_enrolled') return learnKey(p);
    if (entry.kind === 'custodian.key_replaced') {
      keys.delete(String(p.previousCredentialId));
      return learnKey(p);
    }
    if (entry.kind === 'custodian.deactivated') deactivated.add(Number(p.custodianId));
    return undefined;
  };
}
