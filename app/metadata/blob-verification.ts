import 'reflect-metadata';
import { X509Certificate, verify, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { KeywardError } from '../../core/errors';

/** A CRL file the administrator brought with the BLOB. */
export interface CrlFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A CRL that was checked: whose it is, and which certificates of the chain it covered. */
export interface CheckedCrl {
  readonly file: string;
  readonly issuer: string;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  readonly certificates: readonly string[];
}

export interface VerifiedBlob {
  readonly algorithm: 'ES256' | 'RS256';
  /** The signing certificate's subject. */
  readonly signer: string;
  /** Every certificate of the chain, leaf first, ending with the pinned root. */
  readonly chain: readonly string[];
  readonly crls: readonly CheckedCrl[];
  /** Certificates of the chain (below the root) that no CRL given covered. */
  readonly notCheckedAgainstACrl: readonly string[];
  readonly payload: unknown;
}

const refuse = (message: string, field = 'file'): never => {
  throw new KeywardError('verification_failed', message, field);
};
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CHAIN = 8;

function jsonPart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below, with what it is
  }
  throw new KeywardError('invalid_input', `the metadata BLOB's ${what} is not a base64url JSON object`, 'file');
}

/** One line per certificate, the way a person reads it: CN, O. */
const nameOf = (cert: X509Certificate): string => {
  const fields = Object.fromEntries(cert.subject.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  return [fields.CN, fields.O].filter(Boolean).join(', ') || cert.subject.replace(/\n/g, ', ');
};

function certificate(base64: unknown, index: number): X509Certificate {
  if (typeof base64 !== 'string') return refuse(`the metadata BLOB's x5c[${index}] is not a base64 certificate`);
  try {
    return new X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    return refuse(`the metadata BLOB's x5c[${index}] is not an X.509 certificate`);
  }
}

function requireKeyFor(alg: string, key: KeyObject): void {
  if (alg === 'ES256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) refuse('the BLOB says ES256 but its signing certificate does not hold a P-256 key');
  if (alg === 'RS256' && (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)) refuse('the BLOB says RS256 but its signing certificate does not hold an RSA key of 2048 bits or more');
}

const within = (cert: X509Certificate, now: Date) => Date.parse(cert.validFrom) <= now.getTime() && now.getTime() <= Date.parse(cert.validTo);

/**
 * The certificates from the BLOB's signer up to the pinned root, each signed by the next and
 * valid now; intermediates must be CAs. A copy of the root at the end of x5c is allowed.
 */
function chainToRoot(x5c: readonly X509Certificate[], root: X509Certificate, now: Date): X509Certificate[] {
  const certs = x5c.at(-1)?.fingerprint256 === root.fingerprint256 ? x5c.slice(0, -1) : [...x5c];
  if (certs.length === 0) refuse('the metadata BLOB carries only a root certificate, no signing certificate');
  const chain = [...certs, root];
  for (const [i, cert] of certs.entries()) {
    const issuer = chain[i + 1]!;
    const last = i === certs.length - 1;
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      refuse(last ? `the BLOB's certificate chain does not lead to the pinned root: ${nameOf(cert)} is not signed by ${nameOf(root)}` : `the BLOB's certificate chain is broken: ${nameOf(cert)} is not signed by ${nameOf(issuer)}`);
    }
    if (i > 0 && !cert.ca) refuse(`${nameOf(cert)} signs another certificate of the BLOB's chain but is not a CA`);
  }
  for (const cert of chain) if (!within(cert, now)) refuse(`${nameOf(cert)} in the BLOB's chain is not valid on ${now.toISOString().slice(0, 10)} (valid ${cert.validFrom} to ${cert.validTo})`);
  return chain;
}

function readCrl(file: CrlFile): x509.X509Crl {
  try {
    const text = Buffer.from(file.bytes).toString('latin1');
    return new x509.X509Crl(text.includes('-----BEGIN X509 CRL-----') ? text : Buffer.from(file.bytes));
  } catch {
    return refuse(`${file.name} is not a certificate revocation list (DER or PEM)`, 'crl');
  }
}

/**
 * Checks each CRL's signature against the certificate of the chain that issued it, and refuses a
 * chain with a revoked certificate. A CRL no certificate of the chain signed is refused: it says
 * nothing about this BLOB.
 */
async function checkRevocation(chain: readonly X509Certificate[], files: readonly CrlFile[]): Promise<{ crls: CheckedCrl[]; unchecked: string[] }> {
  const peculiar = chain.map((c) => new x509.X509Certificate(new Uint8Array(c.raw)));
  const covered = new Set<number>();
  const crls: CheckedCrl[] = [];
  for (const file of files) {
    const crl = readCrl(file);
    let issuerIndex = -1;
    for (const [i, candidate] of peculiar.entries()) {
      if (candidate.subject !== crl.issuer) continue;
      if (await crl.verify({ publicKey: candidate }).catch(() => false)) issuerIndex = i;
    }
    if (issuerIndex < 0) refuse(`${file.name} is not signed by any certificate of the BLOB's chain (it is issued by ${crl.issuer})`, 'crl');
    const certificates: string[] = [];
    // The CRL covers the certificates its issuer signed: the one just below it in the chain.
    if (issuerIndex > 0) {
      const subject = chain[issuerIndex - 1]!;
      const revoked = crl.findRevoked(peculiar[issuerIndex - 1]!);
      if (revoked) refuse(`${nameOf(subject)} (serial ${subject.serialNumber}) in the BLOB's chain was revoked on ${revoked.revocationDate.toISOString().slice(0, 10)}, says ${file.name}`, 'crl');
      certificates.push(nameOf(subject));
      covered.add(issuerIndex - 1);
    }
    crls.push({ file: file.name, issuer: nameOf(chain[issuerIndex]!), thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate?.toISOString() ?? null, certificates });
  }
  const unchecked = chain.slice(0, -1).flatMap((c, i) => (covered.has(i) ? [] : [nameOf(c)]));
  return { crls, unchecked };
}

/**
 * Verifies a FIDO Metadata Service BLOB offline: a compact JWS whose x5c header chains to the
 * pinned root, signed ES256 or RS256 by its first certificate, every certificate valid now and
 * none revoked by the CRLs given. Nothing here opens a socket; the payload is returned unread.
 */
export async function verifyMetadataBlob(text: string, options: { readonly rootPem: string; readonly crls: readonly CrlFile[]; readonly now: Date }): Promise<VerifiedBlob> {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !BASE64URL.test(p))) throw new KeywardError('invalid_input', 'the file is not a metadata BLOB: a BLOB is a JWT, three base64url parts joined by dots', 'file');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonPart(headerPart, 'header');
  const alg = header.alg;
  if (alg !== 'ES256' && alg !== 'RS256') return refuse(`the metadata BLOB is signed with ${JSON.stringify(alg)}; MDS3 BLOBs are signed ES256 or RS256`);
  if (header.crit !== undefined) refuse('the metadata BLOB names critical header parameters Keyward does not know');
  if (!Array.isArray(header.x5c) || header.x5c.length === 0) return refuse('the metadata BLOB has no x5c certificate chain in its header');
  if (header.x5c.length > MAX_CHAIN) refuse(`the metadata BLOB's x5c holds ${header.x5c.length} certificates; at most ${MAX_CHAIN} are read`);
  const x5c = header.x5c.map(certificate);
  const root = new X509Certificate(options.rootPem);
  const chain = chainToRoot(x5c, root, options.now);
  const signer = chain[0]!;
  requireKeyFor(alg, signer.publicKey);
  const signature = Buffer.from(signaturePart, 'base64url');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  const good = alg === 'ES256' ? signature.length === 64 && verify('sha256', signed, { key: signer.publicKey, dsaEncoding: 'ieee-p1363' }, signature) : verify('sha256', signed, signer.publicKey, signature);
  if (!good) refuse(`the metadata BLOB's signature does not verify with ${nameOf(signer)}'s key: the BLOB was changed or not signed by it`);
  const { crls, unchecked } = await checkRevocation(chain, options.crls);
  const payload = jsonPart(payloadPart, 'payload');
  return { algorithm: alg, signer: nameOf(signer), chain: chain.map(nameOf), crls, notCheckedAgainstACrl: unchecked, payload };
}
