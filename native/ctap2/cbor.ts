import { decode, decodeFirst, encode } from 'cborg';

/** The CBOR layer's one error type. */
export class CborError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CborError';
  }
}

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<CborValue, CborValue>;

const DECODE_OPTIONS = {
  strict: true,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowBigInt: false,
  allowInfinity: false,
  allowNaN: false,
} as const;

/**
 * CTAP2 canonical CBOR: map keys sorted bytewise by their encoding (unsigned integers, then
 * negative, then text), minimal lengths, definite lengths only. cborg encodes exactly that.
 */
export function encodeCanonical(value: CborValue): Uint8Array {
  try {
    return encode(value);
  } catch (error) {
    throw new CborError(`cannot encode: ${(error as Error).message}`);
  }
}

/** CTAP2 maps are keyed by integers or text only; anything else is refused before re-encoding. */
function checkKeys(value: CborValue): void {
  if (value instanceof Map) {
    for (const [key, member] of value) {
      if (!(typeof key === 'string' || (typeof key === 'number' && Number.isSafeInteger(key)))) throw new CborError('CBOR map keys must be integers or text strings');
      checkKeys(member);
    }
  } else if (Array.isArray(value)) value.forEach(checkKeys);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Decodes one canonical CBOR item that fills the input exactly. cborg checks minimal lengths
 * but not key order, so the value is re-encoded and must give back the very same bytes.
 */
export function decodeCanonical(bytes: Uint8Array): CborValue {
  let value: CborValue;
  try {
    value = decode(bytes, DECODE_OPTIONS) as CborValue;
  } catch (error) {
    throw new CborError(`invalid CBOR: ${(error as Error).message}`);
  }
  checkKeys(value);
  if (!sameBytes(encodeCanonical(value), bytes)) throw new CborError('CBOR is not in canonical form (key order, number or length encoding)');
  return value;
}

/** Decodes the canonical CBOR item at the start of `bytes` and says how many bytes it took. */
export function decodeCanonicalPrefix(bytes: Uint8Array): { value: CborValue; length: number } {
  let value: CborValue;
  let rest: Uint8Array;
  try {
    [value, rest] = decodeFirst(bytes, DECODE_OPTIONS) as [CborValue, Uint8Array];
  } catch (error) {
    throw new CborError(`invalid CBOR: ${(error as Error).message}`);
  }
  const length = bytes.length - rest.length;
  checkKeys(value);
  if (!sameBytes(encodeCanonical(value), bytes.subarray(0, length))) throw new CborError('CBOR is not in canonical form (key order, number or length encoding)');
  return { value, length };
}

/** Reads a typed member of a CBOR map, or says exactly what is wrong with it. */
export const member = {
  map(map: CborMap, key: CborValue, what: string): CborMap | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (!(value instanceof Map)) throw new CborError(`${what} must be a map`);
    return value;
  },
  bytes(map: CborMap, key: CborValue, what: string): Uint8Array | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (!(value instanceof Uint8Array)) throw new CborError(`${what} must be a byte string`);
    return value;
  },
  text(map: CborMap, key: CborValue, what: string): string | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new CborError(`${what} must be a text string`);
    return value;
  },
  uint(map: CborMap, key: CborValue, what: string): number | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new CborError(`${what} must be an unsigned integer`);
    return value;
  },
  int(map: CborMap, key: CborValue, what: string): number | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new CborError(`${what} must be an integer`);
    return value;
  },
  bool(map: CborMap, key: CborValue, what: string): boolean | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw new CborError(`${what} must be true or false`);
    return value;
  },
  array(map: CborMap, key: CborValue, what: string): CborValue[] | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw new CborError(`${what} must be an array`);
    return value;
  },
};

export function requireMap(value: CborValue, what: string): CborMap {
  if (!(value instanceof Map)) throw new CborError(`${what} must be a CBOR map`);
  return value;
}
