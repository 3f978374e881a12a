import { X509Certificate } from 'node:crypto';
import type { KeywardDatabase } from '../../db/connection';
import { findMetadataEntry, genuinenessByItem, newestBlob, type Genuineness } from '../../db/metadata';
import type { Session } from '../ports';

/** What the finding and the refusal say when a key's attestation does not lead to its vendor. */
export const NOT_GENUINE = "attestation does not chain to the vendor's root";

function readCertificate(der: Uint8Array | string): X509Certificate | undefined {
  try {
    return new X509Certificate(typeof der === 'string' ? Buffer.from(der, 'base64') : der);
  } catch {
    return undefined;
  }
}

const signedBy = (cert: X509Certificate, issuer: X509Certificate) => cert.fingerprint256 === issuer.fingerprint256 || (cert.checkIssued(issuer) && cert.verify(issuer.publicKey));

/**
 * Whether the attestation certificates a key sent (leaf first) lead, each signed by the next, to
 * one of the attestation roots the metadata lists for the key's AAGUID. Validity dates are not
 * judged: a batch certificate that expired years ago still proves where the key was made.
 */
function chainsToRoots(certificates: readonly Uint8Array[], roots: readonly string[]): boolean {
  const chain = certificates.map(readCertificate);
  if (chain.length === 0 || chain.some((c) => c === undefined)) return false;
  const certs = chain as X509Certificate[];
  for (let i = 0; i + 1 < certs.length; i += 1) if (!signedBy(certs[i]!, certs[i + 1]!)) return false;
  const top = certs.at(-1)!;
  return roots.map(readCertificate).some((root) => root !== undefined && signedBy(top, root));
}

/**
 * Judges a key's genuineness at enrolment from the imported metadata: genuine when its
 * attestation chains to its model's roots; not genuine when it does not (or it gave no
 * attestation certificate); unlisted when the metadata does not know its AAGUID; unchecked
 * without metadata.
 */
export function judgeGenuineness(db: KeywardDatabase, aaguid: string, certificates: readonly Uint8Array[]): Genuineness {
  const blob = newestBlob(db);
  if (!blob) return { verdict: 'unchecked', text: 'genuineness not checked (no metadata)', blobNo: null };
  const entry = findMetadataEntry(db, aaguid);
  if (!entry) return { verdict: 'unlisted', text: `genuineness not checked (AAGUID ${aaguid} is not in metadata BLOB ${blob.no})`, blobNo: blob.no };
  if (entry.attestationRootCertificates.length === 0) return { verdict: 'unlisted', text: `genuineness not checked (metadata BLOB ${blob.no} lists no attestation root for ${entry.description})`, blobNo: blob.no };
  if (certificates.length === 0) return { verdict: 'not_genuine', text: `${NOT_GENUINE} (${entry.description}): the key gave no attestation certificate`, blobNo: blob.no };
  if (!chainsToRoots(certificates, entry.attestationRootCertificates)) return { verdict: 'not_genuine', text: `${NOT_GENUINE} (${entry.description})`, blobNo: blob.no };
  return { verdict: 'genuine', text: `genuine ${entry.description}`, blobNo: blob.no };
}

/** What enrolment found of an item's genuineness, if it was enrolled since metadata was kept. */
export const genuinenessOf = (session: Pick<Session, 'db'>, authenticatorId: number): Genuineness | undefined => genuinenessByItem(session.db).get(authenticatorId);
