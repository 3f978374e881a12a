import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export type KeyPairKind = { readonly type: 'ec'; readonly namedCurve: 'P-256' | 'P-384' } | { readonly type: 'rsa'; readonly modulusLength: number };

/**
 * A new key pair, as generateKeyPairSync makes it, without a deadlock in Node 20's crypto.
 *
 * The KeyObjects generateKeyPairSync returns share a lock with the generation job that made
 * them, and that job is freed by a garbage collection some time later, taking the lock in its
 * destructor. Exporting such a key as a JWK holds the same lock while it makes JavaScript
 * strings; if that allocation starts the collection that frees the job, the thread waits for a
 * lock it holds itself: it stops for good, at no CPU, and no timer in the process fires again.
 * Here the pair comes out of the job as DER and is read back into KeyObjects of their own,
 * which no job shares a lock with.
 */
export function newKeyPair(kind: KeyPairKind): KeyPair {
  const privateKeyEncoding = { type: 'pkcs8', format: 'der' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  const { privateKey, publicKey }: { privateKey: Buffer; publicKey: Buffer } =
    kind.type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: kind.modulusLength, privateKeyEncoding, publicKeyEncoding })
      : generateKeyPairSync('ec', { namedCurve: kind.namedCurve, privateKeyEncoding, publicKeyEncoding });
  return {
    privateKey: createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: publicKey, format: 'der', type: 'spki' }),
  };
}
