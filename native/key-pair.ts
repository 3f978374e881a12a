import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export type KeyPairKind = { readonly type: 'ec'; readonly namedCurve: 'P-256' | 'P-384' } | { readonly type: 'rsa'; readonly modulusLength: number };

/**
 * New keys, as generateKeyPairSync makes them, without a deadlock in Node 20's crypto.
 *
 * The KeyObjects generateKeyPairSync returns share a lock with the generation job that made
 * them, and that job is freed by a garbage collection some time later, taking the lock in its
 * destructor. Exporting such a key as a JWK holds the same lock while it makes JavaScript
 * strings; if that allocation starts the collection that frees the job, the thread waits for a
 * lock it holds itself: it stops for good, at no CPU, and no timer in the process fires again.
 * Here the job hands the keys over as JWKs (encoded while it is still alive), and they are read
 * back into KeyObjects of their own, which no job shares a lock with. JWK is the cheapest way
 * through: OpenSSL 3's DER encoders and decoders cost several times more.
 */

// Node returns JWK objects for the 'jwk' format; @types/node has no overload for it.
const generateJwks = generateKeyPairSync as unknown as (type: KeyPairKind['type'], options: object) => { privateKey: JsonWebKey; publicKey: JsonWebKey };

function generate(kind: KeyPairKind): { privateKey: JsonWebKey; publicKey: JsonWebKey } {
  const { type, ...parameters } = kind;
  return generateJwks(type, { ...parameters, privateKeyEncoding: { format: 'jwk' }, publicKeyEncoding: { format: 'jwk' } });
}

/** A new private key (its public key is derived from it when needed). */
export function newPrivateKey(kind: KeyPairKind): KeyObject {
  return createPrivateKey({ key: generate(kind).privateKey, format: 'jwk' });
}

export function newKeyPair(kind: KeyPairKind): KeyPair {
  const { privateKey, publicKey } = generate(kind);
  return { privateKey: createPrivateKey({ key: privateKey, format: 'jwk' }), publicKey: createPublicKey({ key: publicKey, format: 'jwk' }) };
}
