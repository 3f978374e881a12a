import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * A FIDO Metadata Service of our own for tests: a root CA, an intermediate and a signing
 * certificate, BLOBs signed as MDS3 signs them (a compact JWS with the chain in x5c), CRLs, and a
 * vendor's attestation root with a batch certificate for software keys.
 */
type Alg = 'ES256' | 'RS256';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
const NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const NOT_AFTER = new Date('2045-01-01T00:00:00Z');

const keysFor = (alg: Alg) => webcrypto.subtle.generateKey(alg === 'ES256' ? EC : RSA, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
const signingAlgorithm = (alg: Alg) => (alg === 'ES256' ? EC_SIGN : RSA);
const caExtensions = () => [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)];

export interface IssuedCertificate {
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly name: string;
  readonly alg: Alg;
}

let serial = 0x1000;
const nextSerial = () => (serial += 1).toString(16).padStart(4, '0');

export async function selfSignedCa(name: string, alg: Alg = 'ES256'): Promise<IssuedCertificate> {
  const keys = await keysFor(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: nextSerial(), name, keys, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, signingAlgorithm: signingAlgorithm(alg), extensions: caExtensions() });
  return { cert, keys, name, alg };
}

export async function issue(issuer: IssuedCertificate, name: string, options: { ca?: boolean; alg?: Alg; notBefore?: Date; notAfter?: Date; crlUrl?: string } = {}): Promise<IssuedCertificate> {
  const alg = options.alg ?? issuer.alg;
  const keys = await keysFor(alg);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: name,
    issuer: issuer.name,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    notBefore: options.notBefore ?? NOT_BEFORE,
    notAfter: options.notAfter ?? NOT_AFTER,
    signingAlgorithm: signingAlgorithm(issuer.alg),
    extensions: [
      ...(options.ca ? caExtensions() : [new x509.BasicConstraintsExtension(false, undefined, true)]),
      // Real MDS certificates name where their CRL is published; Keyward must never go there.
      ...(options.crlUrl ? [new x509.CRLDistributionPointsExtension([options.crlUrl])] : []),
    ],
  });
  return { cert, keys, name, alg };
}

export const pemOf = (issued: IssuedCertificate): string => issued.cert.toString('pem');
export const base64Of = (issued: IssuedCertificate): string => Buffer.from(issued.cert.rawData).toString('base64');

/** Root → intermediate → signing certificate, as the FIDO Alliance's own chain is built. */
export interface MdsPki {
  readonly root: IssuedCertificate;
  readonly intermediate: IssuedCertificate;
  readonly signer: IssuedCertificate;
  readonly rootPem: string;
  /** The JWT header's x5c: signer, then intermediate (base64 DER). */
  readonly x5c: readonly string[];
}

export async function createMdsPki(alg: Alg = 'ES256', name = 'Test MDS'): Promise<MdsPki> {
  const root = await selfSignedCa(`CN=${name} Root, O=Keyward Test`, alg);
  const intermediate = await issue(root, `CN=${name} Intermediate, O=Keyward Test`, { ca: true, crlUrl: 'http://crl.mds.example.test/root.crl' });
  const signer = await issue(intermediate, `CN=${name} BLOB Signer, O=Keyward Test`, { crlUrl: 'http://crl.mds.example.test/intermediate.crl' });
  return { root, intermediate, signer, rootPem: pemOf(root), x5c: [base64Of(signer), base64Of(intermediate)] };
}

export interface StatusReportInput {
  readonly status: string;
  readonly effectiveDate?: string;
  readonly authenticatorVersion?: number;
}

export interface EntryInput {
  readonly aaguid: string;
  readonly description: string;
  readonly attestationRoots?: readonly string[];
  readonly authenticatorVersion?: number;
  readonly statusReports?: readonly StatusReportInput[];
}

/** A payload shaped like the real BLOB's (legalHeader, no, nextUpdate, entries with metadataStatement and statusReports). */
export function blobPayload(options: { no: number; nextUpdate: string; entries: readonly EntryInput[] }): Record<string, unknown> {
  return {
    legalHeader: 'Retrieval and use of this BLOB indicates acceptance of the appropriate agreement located at https://fidoalliance.org/metadata/metadata-legal-terms/',
    no: options.no,
    nextUpdate: options.nextUpdate,
    entries: [
      // A UAF entry, as the real BLOB has many: Keyward keeps FIDO2 entries only.
      { aaid: '4746#F816', metadataStatement: { description: 'A UAF authenticator', authenticatorVersion: 1 }, statusReports: [{ status: 'FIDO_CERTIFIED', effectiveDate: '2019-01-01' }], timeOfLastStatusChange: '2019-01-01' },
      ...options.entries.map((e) => ({
        aaguid: e.aaguid,
        metadataStatement: {
          legalHeader: 'https://fidoalliance.org/metadata/metadata-statement-legal-header/',
          aaguid: e.aaguid,
          description: e.description,
          authenticatorVersion: e.authenticatorVersion ?? 1,
          protocolFamily: 'fido2',
          schema: 3,
          attestationTypes: ['basic_full'],
          attestationRootCertificates: e.attestationRoots ?? [],
        },
        statusReports: (e.statusReports ?? [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2021-01-02' }]).map((r) => ({ certificationDescriptor: e.description, certificateNumber: 'FIDO20020200803001', ...r })),
        timeOfLastStatusChange: '2021-01-02',
      })),
    ],
  };
}

const b64url = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

/** Signs a payload as the MDS does: a compact JWS, alg ES256 or RS256, the chain in x5c. */
export async function signBlob(pki: Pick<MdsPki, 'signer' | 'x5c'>, payload: unknown, options: { x5c?: readonly string[]; header?: Record<string, unknown> } = {}): Promise<string> {
  const header = { alg: pki.signer.alg, typ: 'JWT', x5c: options.x5c ?? pki.x5c, ...options.header };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = await webcrypto.subtle.sign(signingAlgorithm(pki.signer.alg), pki.signer.keys.privateKey, Buffer.from(input, 'ascii'));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/** A CRL issued by `issuer`, listing `revoked` certificates (DER bytes). */
export async function revocationList(issuer: IssuedCertificate, revoked: readonly IssuedCertificate[] = [], thisUpdate = new Date('2026-11-01T00:00:00Z')): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.name,
    thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + 60 * 86_400_000),
    signingAlgorithm: signingAlgorithm(issuer.alg),
    signingKey: issuer.keys.privateKey,
    entries: revoked.map((r) => ({ serialNumber: r.cert.serialNumber, revocationDate: new Date('2026-10-15T00:00:00Z') })),
  });
  return new Uint8Array(crl.rawData);
}

/** A vendor's attestation root and a batch certificate as packed attestation wants it (OU=Authenticator Attestation, not a CA). */
export interface VendorAttestation {
  readonly root: IssuedCertificate;
  readonly rootBase64: string;
  /** For the software key's state: the batch key (PKCS#8, base64) and its certificate (base64 DER). */
  readonly attestation: { readonly privateKeyPkcs8: string; readonly certificate: string };
}

export async function createVendorAttestation(vendor = 'Test Vendor'): Promise<VendorAttestation> {
  const root = await selfSignedCa(`CN=${vendor} Attestation Root, O=${vendor}`);
  const batch = await issue(root, `C=SE, O=${vendor}, OU=Authenticator Attestation, CN=${vendor} Batch 1`);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', batch.keys.privateKey);
  return { root, rootBase64: base64Of(root), attestation: { privateKeyPkcs8: Buffer.from(pkcs8).toString('base64'), certificate: base64Of(batch) } };
}
