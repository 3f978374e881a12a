import { sign, type KeyObject } from 'node:crypto';
import { bitString, explicit, integer, nullValue, objectIdentifier, octetString, sequence, set, time, utf8String } from './der';

export interface DistinguishedName {
  readonly commonName: string;
  readonly organisation?: string;
}

export interface CertificateRequest {
  readonly subject: DistinguishedName;
  readonly subjectKey: KeyObject;
  /** The issuer's name and private key; a self-signed certificate when absent. */
  readonly issuer?: { readonly name: DistinguishedName; readonly key: KeyObject };
  /** The subject's own private key, which signs a self-signed certificate. */
  readonly selfKey?: KeyObject;
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A user principal name for the subject alternative name (otherName 1.3.6.1.4.1.311.20.2.3). */
  readonly upn?: string;
  /** Further non-critical extensions: an OID and the DER that its extnValue wraps. */
  readonly extensions?: readonly { readonly oid: string; readonly value: Uint8Array }[];
}

const OID = {
  commonName: '2.5.4.3',
  organisation: '2.5.4.10',
  subjectAltName: '2.5.29.17',
  upn: '1.3.6.1.4.1.311.20.2.3',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  rsaSha256: '1.2.840.113549.1.1.11',
} as const;

const attribute = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));

function name(dn: DistinguishedName): Uint8Array {
  return sequence(...(dn.organisation ? [attribute(OID.organisation, dn.organisation)] : []), attribute(OID.commonName, dn.commonName));
}

function signatureScheme(key: KeyObject): { algorithm: Uint8Array; hash: 'sha256' | 'sha384' } {
  if (key.asymmetricKeyType === 'rsa') return { algorithm: sequence(objectIdentifier(OID.rsaSha256), nullValue()), hash: 'sha256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1') return { algorithm: sequence(objectIdentifier(OID.ecdsaSha384)), hash: 'sha384' };
  if (key.asymmetricKeyType === 'ec') return { algorithm: sequence(objectIdentifier(OID.ecdsaSha256)), hash: 'sha256' };
  throw new RangeError(`cannot sign a certificate with a ${key.asymmetricKeyType} key`);
}

/** Builds and signs an X.509 v3 certificate (RFC 5280), as the software PIV card carries. */
export function buildCertificate(request: CertificateRequest): Uint8Array {
  const signer = request.issuer?.key ?? request.selfKey;
  if (!signer) throw new RangeError('a certificate needs an issuer key or the subject private key');
  const scheme = signatureScheme(signer);
  const extensions = [
    ...(request.upn
      ? [sequence(objectIdentifier(OID.subjectAltName), octetString(sequence(explicit(0, objectIdentifier(OID.upn), explicit(0, utf8String(request.upn))))))]
      : []),
    ...(request.extensions ?? []).map((e) => sequence(objectIdentifier(e.oid), octetString(e.value))),
  ];
  const tbs = sequence(
    explicit(0, integer(Uint8Array.of(2))),
    integer(request.serial),
    scheme.algorithm,
    name(request.issuer?.name ?? request.subject),
    sequence(time(request.notBefore), time(request.notAfter)),
    name(request.subject),
    new Uint8Array(request.subjectKey.export({ type: 'spki', format: 'der' })),
    ...(extensions.length ? [explicit(3, sequence(...extensions))] : []),
  );
  return sequence(tbs, scheme.algorithm, bitString(sign(scheme.hash, tbs, signer)));
}
