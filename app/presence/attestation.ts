import { X509Certificate as NodeCertificate, constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { KeywardError } from '../../core/errors';
import { member, type CborMap } from '../../native/ctap2/cbor';
import type { MakeCredentialResponse } from '../../native/ctap2/responses';

/** What an attestation statement proved: its format, the certificates it carried (leaf first) and facts worth keeping. */
export interface VerifiedAttestation {
  readonly fmt: 'packed' | 'fido-u2f' | 'none';
  /** 'basic' (a certificate chain), 'self' (signed with the credential's own key) or 'none'. */
  readonly type: 'basic' | 'self' | 'none';
  /** The x5c certificates as received, DER, the attestation certificate first. */
  readonly certificates: readonly Uint8Array[];
  /** Facts about the attestation that do not stop enrolment, e.g. "attestation certificate expired 2019-03-28". */
  readonly notes: readonly string[];
}

/** The FIDO extension naming the AAGUID in a packed attestation certificate (WebAuthn §8.2.1). */
const AAGUID_EXTENSION = '1.3.6.1.4.1.45724.1.1.4';

/** COSE algorithms an attestation may be signed with: the digest node:crypto needs (null for EdDSA) and, for RSA-PSS, the salt length. */
const ALGORITHMS: Record<number, { hash: string | null; pssSalt?: number }> = {
  [-7]: { hash: 'sha256' },
  [-35]: { hash: 'sha384' },
  [-36]: { hash: 'sha512' },
  [-8]: { hash: null },
  [-257]: { hash: 'sha256' },
  [-258]: { hash: 'sha384' },
  [-259]: { hash: 'sha512' },
  [-37]: { hash: 'sha256', pssSalt: 32 },
  [-38]: { hash: 'sha384', pssSalt: 48 },
  [-39]: { hash: 'sha512', pssSalt: 64 },
};

const refuse = (why: string): never => {
  throw new KeywardError('verification_failed', `the key's attestation did not verify: ${why}`, 'key');
};

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Verifies a makeCredential's attestation statement (WebAuthn §8.2 packed, §8.6 fido-u2f, §8.7
 * none) over the exact bytes the key sent: its authenticator data followed by the client data
 * hash. Keyward pins no attestation roots here, so a certificate's validity dates prove nothing
 * about the key: an expired or not yet valid attestation certificate is recorded as a fact and
 * the enrolment goes on when the signature verifies. A bad signature is always refused.
 */
export async function verifyAttestation(made: MakeCredentialResponse, clientDataHash: Uint8Array, credentialKey: KeyObject, now: Date): Promise<VerifiedAttestation> {
  const signed = Buffer.concat([made.authData.raw, clientDataHash]);
  switch (made.fmt) {
    case 'packed':
      return verifyPacked(made, signed, credentialKey, now);
    case 'fido-u2f':
      return verifyFidoU2f(made, clientDataHash, credentialKey, now);
    case 'none':
      if (made.attStmt.size !== 0) refuse('a "none" attestation statement must be empty');
      return { fmt: 'none', type: 'none', certificates: [], notes: ['the key gave no attestation'] };
    default:
      return refuse(`attestation format "${made.fmt}" is not one a roaming security key uses (packed, fido-u2f or none)`);
  }
}

function certificatesOf(attStmt: CborMap): Uint8Array[] | undefined {
  const x5c = member.array(attStmt, 'x5c', 'x5c');
  if (x5c === undefined) return undefined;
  if (x5c.length === 0) refuse('x5c holds no certificate');
  return x5c.map((c) => (c instanceof Uint8Array ? c : refuse('x5c must hold DER certificates')));
}

async function verifyPacked(made: MakeCredentialResponse, signed: Uint8Array, credentialKey: KeyObject, now: Date): Promise<VerifiedAttestation> {
  const alg = member.int(made.attStmt, 'alg', 'alg') ?? refuse('the packed statement has no alg');
  const sig = member.bytes(made.attStmt, 'sig', 'sig') ?? refuse('the packed statement has no sig');
  const certificates = certificatesOf(made.attStmt);
  if (!certificates) {
    // Self attestation: signed with the credential's own key, whose algorithm it must name.
    const coseAlg = made.authData.attestedCredentialData!.publicKey.get(3);
    if (coseAlg !== alg) refuse(`self attestation names algorithm ${alg} but the credential key is for ${String(coseAlg)}`);
    if (!verifySignature(alg, credentialKey, signed, sig)) refuse('the self-attestation signature does not match the credential key');
    return { fmt: 'packed', type: 'self', certificates: [], notes: [] };
  }
  const leaf = await readCertificate(certificates[0]!);
  if (!verifySignature(alg, leaf.key, signed, sig)) refuse('the signature does not match the attestation certificate');
  if (leaf.ca) refuse('the attestation certificate is a CA certificate');
  if (leaf.aaguid !== null && !Buffer.from(leaf.aaguid).equals(Buffer.from(made.authData.attestedCredentialData!.aaguid))) {
    refuse('the AAGUID in the attestation certificate is not the AAGUID in the authenticator data');
  }
  return { fmt: 'packed', type: 'basic', certificates, notes: validityNotes(leaf, now) };
}

async function verifyFidoU2f(made: MakeCredentialResponse, clientDataHash: Uint8Array, credentialKey: KeyObject, now: Date): Promise<VerifiedAttestation> {
  const sig = member.bytes(made.attStmt, 'sig', 'sig') ?? refuse('the fido-u2f statement has no sig');
  const certificates = certificatesOf(made.attStmt) ?? refuse('the fido-u2f statement has no x5c');
  if (certificates.length !== 1) refuse(`a fido-u2f statement carries one certificate, not ${certificates.length}`);
  const leaf = await readCertificate(certificates[0]!);
  const jwk = credentialKey.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256') refuse('a fido-u2f credential key must be on P-256');
  const { attestedCredentialData, rpIdHash } = made.authData;
  // FIDO U2F's registration signature: 00 || rpIdHash || clientDataHash || credentialId || 04 x y.
  const signed = Buffer.concat([Uint8Array.of(0), rpIdHash, clientDataHash, attestedCredentialData!.credentialId, Uint8Array.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  if (!verifySignature(-7, leaf.key, signed, sig)) refuse('the signature does not match the attestation certificate');
  return { fmt: 'fido-u2f', type: 'basic', certificates, notes: validityNotes(leaf, now) };
}

interface AttestationCertificate {
  readonly key: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ca: boolean;
  /** The AAGUID the certificate names, when it carries the FIDO extension. */
  readonly aaguid: Uint8Array | null;
}

async function readCertificate(der: Uint8Array): Promise<AttestationCertificate> {
  // Loaded only when an attestation is verified; most commands never need it. @peculiar/x509
  // needs the Reflect metadata polyfill loaded before it.
  await import('reflect-metadata');
  const { X509Certificate, BasicConstraintsExtension } = await import('@peculiar/x509');
  let parsed;
  let key: KeyObject;
  try {
    parsed = new X509Certificate(Uint8Array.from(der));
    key = new NodeCertificate(der).publicKey;
  } catch (error) {
    return refuse(`the attestation certificate does not parse (${(error as Error).message})`);
  }
  const extension = parsed.getExtension(AAGUID_EXTENSION);
  let aaguid: Uint8Array | null = null;
  if (extension) {
    // extnValue holds an OCTET STRING of 16 bytes: 04 10 followed by the AAGUID.
    const value = new Uint8Array(extension.value);
    if (value.length !== 18 || value[0] !== 0x04 || value[1] !== 0x10) refuse('the AAGUID extension of the attestation certificate is malformed');
    aaguid = value.subarray(2);
  }
  const basic = parsed.getExtension(BasicConstraintsExtension);
  return { key, notBefore: parsed.notBefore, notAfter: parsed.notAfter, ca: basic?.ca === true, aaguid };
}

/** A certificate outside its validity period is a fact of the key, not a reason to refuse it. */
function validityNotes(certificate: AttestationCertificate, now: Date): string[] {
  if (certificate.notAfter.getTime() < now.getTime()) return [`attestation certificate expired ${day(certificate.notAfter)}`];
  if (certificate.notBefore.getTime() > now.getTime()) return [`attestation certificate not valid before ${day(certificate.notBefore)}`];
  return [];
}

/** Verifies a WebAuthn signature (DER for ECDSA, raw for EdDSA, PKCS#1 v1.5 or PSS for RSA) over `data`. */
export function verifySignature(alg: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) return refuse(`signature algorithm ${alg} is not supported`);
  try {
    if (algorithm.pssSalt) return verify(algorithm.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.pssSalt }, signature);
    return verify(algorithm.hash, data, key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'der' } : key, signature);
  } catch {
    return false;
  }
}

/** The credential's COSE public key (EC2 P-256, ES256: the only kind Keyward asks for) as a node:crypto key. */
export function credentialPublicKey(cose: CborMap): KeyObject {
  const x = member.bytes(cose, -2, 'x');
  const y = member.bytes(cose, -3, 'y');
  if (cose.get(1) !== 2 || cose.get(3) !== -7 || cose.get(-1) !== 1 || x?.length !== 32 || y?.length !== 32) {
    return refuse('the credential public key is not the ES256 P-256 key Keyward asked for');
  }
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') }, format: 'jwk' });
  } catch (error) {
    return refuse(`the credential public key is not a point on P-256 (${(error as Error).message})`);
  }
}
