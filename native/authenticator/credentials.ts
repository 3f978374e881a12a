import { createPrivateKey, hash, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { CborMap } from '../ctap2/cbor';
import { CoseAlgorithm } from '../ctap2/constants';
import { newPrivateKey } from '../key-pair';

/** One credential the software authenticator holds: an ES256 key pair bound to an RP. */
export interface SoftwareCredential {
  readonly id: Uint8Array;
  readonly rpIdHash: Uint8Array;
  readonly userId: Uint8Array;
  readonly privateKey: KeyObject;
  readonly residentKey: boolean;
}

export const sha256 = (data: Uint8Array | string): Uint8Array => new Uint8Array(hash('sha256', data, 'buffer'));

export function createCredential(rpId: string, userId: Uint8Array, residentKey: boolean): SoftwareCredential {
  // Not generateKeyPairSync's own KeyObject: exported as a JWK (cosePublicKey), it can deadlock (see key-pair.ts).
  const privateKey = newPrivateKey({ type: 'ec', namedCurve: 'P-256' });
  return { id: new Uint8Array(randomBytes(32)), rpIdHash: sha256(rpId), userId: Uint8Array.from(userId), privateKey, residentKey };
}

/**
 * The credential's public key as a COSE_Key map (RFC 9053): EC2, P-256, x, y, ES256. Built in
 * the order RFC 9053's examples write it, which is not canonical order: a key that sends maps as
 * built (ResponseEncoding 'as-built') sends it so.
 */
export function cosePublicKey(credential: SoftwareCredential): CborMap {
  const jwk = credential.privateKey.export({ format: 'jwk' });
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [-1, 1],
    [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
    [3, CoseAlgorithm.ES256],
  ]);
}

/** An ES256 signature, DER-encoded as WebAuthn requires. */
export function signEs256(credential: SoftwareCredential, data: Uint8Array): Uint8Array {
  const signature = sign('sha256', data, { key: credential.privateKey, dsaEncoding: 'der' });
  // A plain Uint8Array over the signature's own fresh memory: no copy needed.
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.length);
}

export interface StoredCredential {
  readonly id: string;
  readonly rpIdHash: string;
  readonly userId: string;
  readonly privateKeyPkcs8: string;
  readonly residentKey: boolean;
}

export function storeCredential(credential: SoftwareCredential): StoredCredential {
  return {
    id: Buffer.from(credential.id).toString('base64url'),
    rpIdHash: Buffer.from(credential.rpIdHash).toString('hex'),
    userId: Buffer.from(credential.userId).toString('base64url'),
    privateKeyPkcs8: (credential.privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).toString('base64'),
    residentKey: credential.residentKey,
  };
}

export function loadCredential(stored: StoredCredential): SoftwareCredential {
  return {
    id: new Uint8Array(Buffer.from(stored.id, 'base64url')),
    rpIdHash: new Uint8Array(Buffer.from(stored.rpIdHash, 'hex')),
    userId: new Uint8Array(Buffer.from(stored.userId, 'base64url')),
    privateKey: createPrivateKey({ key: Buffer.from(stored.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' }),
    residentKey: stored.residentKey,
  };
}
