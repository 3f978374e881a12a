/**
 * CTAP2 canonical CBOR (CTAP 2.1, §8): integers, byte and text strings, arrays, maps keyed by
 * integers or text, booleans and null. Encoding is canonical: minimal-length heads, definite
 * lengths, map keys sorted bytewise by their encoding (unsigned before negative before text,
 * shorter first). Decoding is strict: anything else — floats, tags, undefined, indefinite
 * lengths, non-minimal heads, unsorted or duplicate keys, invalid UTF-8, trailing bytes — is a
 * CborError, never a crash. A single pass, so strictness costs nothing extra.
 */

/** The CBOR layer's one error type. */
export class CborError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CborError';
  }
}

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<CborValue, CborValue>;

const MAX_DEPTH = 16;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---- encoding ----

class Writer {
  buffer: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
  }

  reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  head(major: number, value: number): void {
    this.reserve(9);
    const b = this.buffer;
    const m = major << 5;
    if (value < 24) b[this.length++] = m | value;
    else if (value < 0x100) {
      b[this.length++] = m | 24;
      b[this.length++] = value;
    } else if (value < 0x10000) {
      b[this.length++] = m | 25;
      b[this.length++] = value >>> 8;
      b[this.length++] = value & 0xff;
    } else if (value < 0x100000000) {
      b[this.length++] = m | 26;
      new DataView(b.buffer).setUint32(this.length, value);
      this.length += 4;
    } else {
      b[this.length++] = m | 27;
      const view = new DataView(b.buffer);
      view.setUint32(this.length, Math.floor(value / 0x100000000));
      view.setUint32(this.length + 4, value >>> 0);
      this.length += 8;
    }
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }
}

function encodeInto(w: Writer, value: CborValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new CborError(`cannot encode: nested deeper than ${MAX_DEPTH} levels`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new CborError(`cannot encode ${value}: CTAP2 CBOR carries integers only`);
    if (value >= 0) w.head(0, value);
    else w.head(1, -1 - value);
  } else if (typeof value === 'string') {
    if (isAscii(value)) {
      // Most CTAP2 text (keys, "public-key", RP IDs) is ASCII: copied straight in, no encoder call.
      w.head(3, value.length);
      w.reserve(value.length);
      for (let i = 0; i < value.length; i += 1) w.buffer[w.length++] = value.charCodeAt(i);
    } else {
      const data = utf8.encode(value);
      w.head(3, data.length);
      w.bytes(data);
    }
  } else if (value instanceof Uint8Array) {
    w.head(2, value.length);
    w.bytes(value);
  } else if (value === true) {
    w.reserve(1);
    w.buffer[w.length++] = 0xf5;
  } else if (value === false) {
    w.reserve(1);
    w.buffer[w.length++] = 0xf4;
  } else if (value === null) {
    w.reserve(1);
    w.buffer[w.length++] = 0xf6;
  } else if (Array.isArray(value)) {
    w.head(4, value.length);
    for (const item of value) encodeInto(w, item, depth + 1);
  } else if (value instanceof Map) {
    const entries: [Uint8Array, CborValue][] = [];
    for (const [key, member] of value) {
      if (typeof key !== 'string' && typeof key !== 'number') throw new CborError('cannot encode: map keys must be integers or text');
      entries.push([keyBytes(key), member]);
    }
    entries.sort((a, b) => compareBytes(a[0], b[0]));
    w.head(5, entries.length);
    for (let i = 0; i < entries.length; i += 1) {
      if (i > 0 && compareBytes(entries[i - 1]![0], entries[i]![0]) === 0) throw new CborError('cannot encode: duplicate map key');
      w.bytes(entries[i]![0]);
      encodeInto(w, entries[i]![1], depth + 1);
    }
  } else {
    throw new CborError(`cannot encode a ${typeof value}`);
  }
}

// CTAP2 maps use a handful of keys over and over ("id", "type", 1, 2, …); their encodings are kept.
const keyCache = new Map<string | number, Uint8Array>();

function keyBytes(key: string | number): Uint8Array {
  let bytes = keyCache.get(key);
  if (!bytes) {
    const w = new Writer(typeof key === 'string' ? key.length * 3 + 9 : 9);
    encodeInto(w, key, 0);
    bytes = w.buffer.slice(0, w.length);
    if (keyCache.size < 512 && (typeof key === 'number' || key.length <= 32)) keyCache.set(key, bytes);
  }
  return bytes;
}

export function encodeCanonical(value: CborValue): Uint8Array {
  const w = new Writer();
  encodeInto(w, value, 0);
  return w.buffer.slice(0, w.length);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

// ---- decoding ----

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  need(n: number): void {
    if (this.offset + n > this.bytes.length) throw new CborError(`truncated CBOR: ${n} more byte(s) needed at offset ${this.offset}`);
  }

  /** Reads a head; the argument must use the shortest form that holds it. */
  head(): { major: number; value: number } {
    this.need(1);
    const initial = this.bytes[this.offset++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) return { major, value: info };
    if (info < 24) return { major, value: info };
    let value: number;
    if (info === 24) {
      this.need(1);
      value = this.bytes[this.offset++]!;
      if (value < 24) throw this.nonMinimal();
    } else if (info === 25) {
      this.need(2);
      value = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
      this.offset += 2;
      if (value < 0x100) throw this.nonMinimal();
    } else if (info === 26) {
      this.need(4);
      value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4).getUint32(0);
      this.offset += 4;
      if (value < 0x10000) throw this.nonMinimal();
    } else if (info === 27) {
      this.need(8);
      const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 8);
      const high = view.getUint32(0);
      value = high * 0x100000000 + view.getUint32(4);
      this.offset += 8;
      if (high === 0) throw this.nonMinimal();
      if (!Number.isSafeInteger(value)) throw new CborError('CBOR integer is larger than 2^53');
    } else if (info === 31) {
      throw new CborError('indefinite-length CBOR is not allowed in CTAP2');
    } else {
      throw new CborError(`reserved CBOR additional information ${info}`);
    }
    return { major, value };
  }

  nonMinimal(): CborError {
    return new CborError('CBOR is not in canonical form: an integer or length is encoded in more bytes than necessary');
  }

  take(length: number): Uint8Array {
    this.need(length);
    const out = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

function decodeItem(r: Reader, depth: number): CborValue {
  if (depth > MAX_DEPTH) throw new CborError(`CBOR nested deeper than ${MAX_DEPTH} levels`);
  const { major, value } = r.head();
  switch (major) {
    case 0:
      return value;
    case 1:
      return -1 - value;
    case 2:
      return r.take(value);
    case 3: {
      r.need(value);
      let text: string;
      try {
        text = strictUtf8.decode(r.bytes.subarray(r.offset, r.offset + value));
      } catch {
        throw new CborError('CBOR text string is not valid UTF-8');
      }
      r.offset += value;
      return text;
    }
    case 4: {
      // Each item takes at least one byte: a length beyond what is left is a lie, not an allocation.
      r.need(value);
      const items: CborValue[] = [];
      for (let i = 0; i < value; i += 1) items.push(decodeItem(r, depth + 1));
      return items;
    }
    case 5: {
      r.need(value * 2);
      const map: CborMap = new Map();
      let previousKey: Uint8Array | undefined;
      for (let i = 0; i < value; i += 1) {
        const keyStart = r.offset;
        const key = decodeItem(r, depth + 1);
        if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('CBOR map keys must be integers or text strings');
        const keyBytes = r.bytes.subarray(keyStart, r.offset);
        if (previousKey) {
          const order = compareBytes(previousKey, keyBytes);
          if (order === 0) throw new CborError('CBOR map has a duplicate key');
          if (order > 0) throw new CborError('CBOR is not in canonical form: map keys are out of order');
        }
        previousKey = keyBytes;
        map.set(key, decodeItem(r, depth + 1));
      }
      return map;
    }
    case 6:
      throw new CborError('CBOR tags are not allowed in CTAP2');
    default:
      if (value === 20) return false;
      if (value === 21) return true;
      if (value === 22) return null;
      if (value === 23) throw new CborError('CBOR undefined is not allowed in CTAP2');
      if (value >= 25 && value <= 27) throw new CborError('CBOR floating-point numbers are not allowed in CTAP2');
      throw new CborError(`CBOR simple value ${value} is not allowed in CTAP2`);
  }
}

/** Decodes one canonical CBOR item that fills the input exactly. */
export function decodeCanonical(bytes: Uint8Array): CborValue {
  const { value, length } = decodeCanonicalPrefix(bytes);
  if (length !== bytes.length) throw new CborError(`invalid CBOR: ${bytes.length - length} trailing byte(s) after the item`);
  return value;
}

/** Decodes the canonical CBOR item at the start of `bytes` and says how many bytes it took. */
export function decodeCanonicalPrefix(bytes: Uint8Array): { value: CborValue; length: number } {
  if (bytes.length === 0) throw new CborError('invalid CBOR: no data');
  const reader = new Reader(bytes);
  const value = decodeItem(reader, 0);
  return { value, length: reader.offset };
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
    if (typeof value !== 'number' || value < 0) throw new CborError(`${what} must be an unsigned integer`);
    return value;
  },
  int(map: CborMap, key: CborValue, what: string): number | undefined {
    const value = map.get(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw new CborError(`${what} must be an integer`);
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
