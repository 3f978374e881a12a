import { createECDH, randomBytes, type KeyObject } from 'node:crypto';
import { bigInteger, sequence } from './der';

// Group orders of the curves PIV uses (SEC 2).
const CURVES: Record<string, { readonly ecdh: string; readonly n: bigint; readonly size: number }> = {
  'P-256': { ecdh: 'prime256v1', n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'), size: 32 },
  'P-384': { ecdh: 'secp384r1', n: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'), size: 48 },
};

const toBig = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`));

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/**
 * ECDSA over a digest the card is handed, as a PIV card does (node:crypto only signs messages
 * it hashes itself). k·G comes from node:crypto's ECDH; the rest is the textbook formula.
 * Returns the DER signature.
 */
export function signDigest(privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' });
  const curve = CURVES[jwk.crv ?? ''];
  if (!curve || !jwk.d) throw new RangeError(`raw ECDSA needs a P-256 or P-384 private key, not ${jwk.crv ?? jwk.kty}`);
  const d = toBig(Buffer.from(jwk.d, 'base64url'));
  const e = toBig(digest.subarray(0, curve.size));
  for (;;) {
    const k = toBig(randomBytes(curve.size));
    if (k === 0n || k >= curve.n) continue;
    const ecdh = createECDH(curve.ecdh);
    ecdh.setPrivateKey(Buffer.from(k.toString(16).padStart(curve.size * 2, '0'), 'hex'));
    const point = ecdh.getPublicKey();
    const r = toBig(point.subarray(1, 1 + curve.size)) % curve.n;
    if (r === 0n) continue;
    const s = (modPow(k, curve.n - 2n, curve.n) * ((e + r * d) % curve.n)) % curve.n;
    if (s === 0n) continue;
    return sequence(bigInteger(r), bigInteger(s));
  }
}
