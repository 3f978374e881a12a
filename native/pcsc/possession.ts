import { X509Certificate, createHash, randomBytes, verify } from 'node:crypto';
import { PIV_ALGORITHM, PIV_SLOT, signWithSlot, type PivAlgorithm } from './piv';
import type { CardConnection } from './readers';

/** The evidence of one proof of possession: the card signed a fresh challenge with its Card Authentication key. */
export interface PossessionProof {
  readonly slot: '9E';
  readonly algorithm: string;
  readonly challenge: string;
  readonly signature: string;
  readonly valid: boolean;
}

// DigestInfo prefix for SHA-256 (RFC 8017, 9.2 note 1).
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

interface Scheme {
  readonly algorithm: PivAlgorithm;
  readonly name: string;
  readonly hash: 'sha256' | 'sha384';
  /** What the card is given to sign, from the digest. */
  input(digest: Buffer): Uint8Array;
}

function schemeFor(certificate: X509Certificate): Scheme | undefined {
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return { algorithm: PIV_ALGORITHM.eccP256, name: 'ECDSA P-256 SHA-256', hash: 'sha256', input: (d) => d };
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1') return { algorithm: PIV_ALGORITHM.eccP384, name: 'ECDSA P-384 SHA-384', hash: 'sha384', input: (d) => d };
  if (key.asymmetricKeyType === 'rsa' && details.modulusLength === 2048) {
    return {
      algorithm: PIV_ALGORITHM.rsa2048,
      name: 'RSA-2048 PKCS#1 v1.5 SHA-256',
      hash: 'sha256',
      input: (d) => {
        const info = Buffer.concat([SHA256_DIGEST_INFO, d]);
        return Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(256 - 3 - info.length, 0xff), Buffer.from([0x00]), info]);
      },
    };
  }
  return undefined;
}

/** Whether Keyward can check a proof made with this certificate's key. */
export const canProvePossession = (certificateDer: Uint8Array): boolean => schemeFor(new X509Certificate(certificateDer)) !== undefined;

/**
 * Asks the card to sign a fresh random challenge with the Card Authentication key (slot 9E,
 * which needs no PIN) and verifies the signature with the public key of the 9E certificate.
 */
export async function proveCardAuthentication(card: CardConnection, certificateDer: Uint8Array): Promise<PossessionProof> {
  const certificate = new X509Certificate(certificateDer);
  const scheme = schemeFor(certificate);
  if (!scheme) throw new RangeError(`the Card Authentication key (${certificate.publicKey.asymmetricKeyType}) is not one Keyward can verify`);
  const challenge = randomBytes(32);
  const digest = createHash(scheme.hash).update(challenge).digest();
  const signature = await signWithSlot(card, PIV_SLOT.cardAuthentication, scheme.algorithm, scheme.input(digest));
  let valid = false;
  try {
    valid = verify(scheme.hash, challenge, certificate.publicKey, signature);
  } catch {
    valid = false;
  }
  return { slot: '9E', algorithm: scheme.name, challenge: challenge.toString('hex'), signature: Buffer.from(signature).toString('hex'), valid };
}
