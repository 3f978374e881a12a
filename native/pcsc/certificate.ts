import { X509Certificate, createHash } from 'node:crypto';
import type { CertificateFacts } from '../../core/cards/smartcard';
import { CardDataError } from './errors';

/** Reads what Keyward records about a certificate, with node:crypto's X.509 parser. */
export function parseCertificate(der: Uint8Array, where: string): CertificateFacts {
  try {
    return factsOf(new X509Certificate(der), der, where);
  } catch (error) {
    if (error instanceof CardDataError) throw error;
    throw new CardDataError(`${where}: not a valid X.509 certificate (${(error as Error).message})`);
  }
}

function factsOf(certificate: X509Certificate, der: Uint8Array, where: string): CertificateFacts {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new CardDataError(`${where}: the validity dates cannot be read`);
  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serial: certificate.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    upns: upnsOf(certificate.subjectAltName),
    fingerprint: createHash('sha256').update(der).digest('hex'),
    keyAlgorithm: keyAlgorithmOf(certificate),
  };
}

/** node:crypto prints one RDN per line; a report wants them on one. */
const oneLine = (name: string): string => name.split('\n').filter(Boolean).join(', ');

/** The user principal names (otherName 1.3.6.1.4.1.311.20.2.3) in a subjectAltName as node:crypto prints it. */
export function upnsOf(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const upns: string[] = [];
  for (const match of subjectAltName.matchAll(/(?:^|, )othername:UPN:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = match[1]!;
    upns.push((raw.startsWith('"') ? (JSON.parse(raw) as string) : raw).toLowerCase());
  }
  return upns;
}

function keyAlgorithmOf(certificate: X509Certificate): string {
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return details.namedCurve === 'prime256v1' ? 'ec-p256' : details.namedCurve === 'secp384r1' ? 'ec-p384' : `ec-${details.namedCurve ?? 'unknown'}`;
  if (key.asymmetricKeyType === 'rsa') return `rsa-${details.modulusLength ?? 0}`;
  return key.asymmetricKeyType ?? 'unknown';
}
