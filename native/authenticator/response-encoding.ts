import { encodeCanonical, type CborValue } from '../ctap2/cbor';

/**
 * How a software key encodes what it sends. Real keys are not all canonical: some write map
 * keys in the order they built the map (a packed attStmt as alg, x5c, sig; a COSE key as kty,
 * crv, x, y, alg), some write integers and lengths in longer heads than needed. Both are still
 * well-formed CBOR that a host must read.
 */
export type ResponseEncoding = 'canonical' | 'as-built' | 'long-heads';

export function encodeResponse(value: CborValue, encoding: ResponseEncoding = 'canonical'): Uint8Array {
  if (encoding === 'canonical') return encodeCanonical(value);
  const out: number[] = [];
  write(out, value, encoding === 'long-heads');
  return Uint8Array.from(out);
}

/** A head one size longer than it needs to be when `long`: 0x18 nn for a value below 24, two bytes for one below 256, and so on. */
function head(out: number[], major: number, value: number, long: boolean): void {
  const m = major << 5;
  if (value < 24 && !long) out.push(m | value);
  else if (value < (long ? 24 : 0x100)) out.push(m | 24, value);
  else if (value < (long ? 0x100 : 0x10000)) out.push(m | 25, value >>> 8, value & 0xff);
  else if (value < 0x100000000 && (!long || value < 0x10000)) out.push(m | 26, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  else {
    const high = Math.floor(value / 0x100000000);
    out.push(m | 27, (high >>> 24) & 0xff, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }
}

/** Writes an item with map keys in insertion order (and long heads when asked). */
function write(out: number[], value: CborValue, long: boolean): void {
  if (typeof value === 'number') {
    if (value >= 0) head(out, 0, value, long);
    else head(out, 1, -1 - value, long);
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    head(out, 3, bytes.length, long);
    out.push(...bytes);
  } else if (value instanceof Uint8Array) {
    head(out, 2, value.length, long);
    for (const byte of value) out.push(byte);
  } else if (value === true) out.push(0xf5);
  else if (value === false) out.push(0xf4);
  else if (value === null) out.push(0xf6);
  else if (Array.isArray(value)) {
    head(out, 4, value.length, long);
    for (const item of value) write(out, item, long);
  } else {
    head(out, 5, value.size, long);
    for (const [key, item] of value) {
      write(out, key, long);
      write(out, item, long);
    }
  }
}
