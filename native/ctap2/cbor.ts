/**
 * CTAP2 canonical CBOR (CTAP 2.1, §8): integers, byte and text strings, arrays, maps keyed by
 * integers or text, booleans and null. Encoding is canonical: minimal-length heads, definite
 * lengths, map keys sorted bytewise by their encoding (unsigned before negative before text,
 * shorter first). Strict decoding refuses anything else — floats, tags, undefined, indefinite
 * lengths, non-minimal heads, unsorted or duplicate keys, invalid UTF-8, trailing bytes — with a
 * CborError, never a crash. Tolerant decoding, for what authenticators send, accepts map keys in
 * any order and non-minimal heads (as libfido2 and python-fido2 do) and says which of the two it
 * saw; everything else stays refused. A single pass either way.
 */

import { readUint16, readUint32, writeUint32 } from '../big-endian';

/** The CBOR layer's one error type. */
export class CborError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CborError';
  }
}

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<CborValue, CborValue>;

/** The departures from canonical form that tolerant decoding accepts. */
export const CBOR_DEPARTURES = ['map keys out of canonical order', 'integers or lengths not in their shortest form'] as const;
export type CborDeparture = (typeof CBOR_DEPARTURES)[number];

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
      this.uint32(value);
    } else {
      b[this.length++] = m | 27;
      this.uint32(Math.floor(value / 0x100000000));
      this.uint32(value >>> 0);
    }
  }

  uint32(value: number): void {
    writeUint32(this.buffer, this.length, value);
    this.length += 4;
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
    encodeMap(w, value, depth);
  } else {
    throw new CborError(`cannot encode a ${typeof value}`);
  }
}

/**
 * A map, keys in canonical order. CTAP2 maps hold a handful of entries, so an insertion sort
 * over parallel arrays does the ordering without the allocations of Array.prototype.sort.
 */
function encodeMap(w: Writer, map: CborMap, depth: number): void {
  const keys: Uint8Array[] = [];
  const values: CborValue[] = [];
  for (const key of map.keys()) {
    if (typeof key !== 'string' && typeof key !== 'number') throw new CborError('cannot encode: map keys must be integers or text');
    const bytes = keyBytes(key);
    const member = map.get(key)!;
    let i = keys.length;
    keys.push(bytes);
    values.push(member);
    for (; i > 0 && compareBytes(keys[i - 1]!, bytes) > 0; i -= 1) {
      keys[i] = keys[i - 1]!;
      values[i] = values[i - 1]!;
    }
    keys[i] = bytes;
    values[i] = member;
  }
  w.head(5, keys.length);
  for (let i = 0; i < keys.length; i += 1) {
    if (i > 0 && compareBytes(keys[i - 1]!, keys[i]!) === 0) throw new CborError('cannot encode: duplicate map key');
    w.bytes(keys[i]!);
    encodeInto(w, values[i]!, depth + 1);
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

// Encoding runs start to finish without yielding, so one writer serves every call; its result is
// a copy. It shrinks back after an unusually large value.
const SCRATCH_SIZE = 1024;
const scratch = new Writer(SCRATCH_SIZE);

export function encodeCanonical(value: CborValue): Uint8Array {
  scratch.length = 0;
  try {
    encodeInto(scratch, value, 0);
    return scratch.buffer.slice(0, scratch.length);
  } finally {
    if (scratch.buffer.length > 64 * SCRATCH_SIZE) scratch.buffer = new Uint8Array(SCRATCH_SIZE);
  }
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

/** Bytewise order of two ranges of one array, without taking views of it. */
function compareRanges(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i += 1) {
    const d = bytes[aStart + i]! - bytes[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

// ---- decoding ----

class Reader {
  offset = 0;
  /** The argument of the head read last (kept here rather than in a fresh object per item). */
  value = 0;
  /** Departures seen so far; only a tolerant reader gets past the first. */
  unsorted = false;
  nonMinimalSeen = false;
  constructor(
    readonly bytes: Uint8Array,
    readonly tolerant: boolean,
  ) {}

  departures(): CborDeparture[] {
    const found: CborDeparture[] = [];
    if (this.unsorted) found.push('map keys out of canonical order');
    if (this.nonMinimalSeen) found.push('integers or lengths not in their shortest form');
    return found;
  }

  need(n: number): void {
    if (this.offset + n > this.bytes.length) throw new CborError(`truncated CBOR: ${n} more byte(s) needed at offset ${this.offset}`);
  }

  /** Reads a head and returns its major type, leaving the argument in `value`; it must use the shortest form that holds it. */
  head(): number {
    this.need(1);
    const initial = this.bytes[this.offset++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7 || info < 24) {
      this.value = info;
      return major;
    }
    let value: number;
    if (info === 24) {
      this.need(1);
      value = this.bytes[this.offset++]!;
      if (value < 24) this.nonMinimal();
    } else if (info === 25) {
      this.need(2);
      value = readUint16(this.bytes, this.offset);
      this.offset += 2;
      if (value < 0x100) this.nonMinimal();
    } else if (info === 26) {
      this.need(4);
      value = this.uint32();
      if (value < 0x10000) this.nonMinimal();
    } else if (info === 27) {
      this.need(8);
      const high = this.uint32();
      value = high * 0x100000000 + this.uint32();
      if (high === 0) this.nonMinimal();
      if (!Number.isSafeInteger(value)) throw new CborError('CBOR integer is larger than 2^53');
    } else if (info === 31) {
      throw new CborError('indefinite-length CBOR is not allowed in CTAP2');
    } else {
      throw new CborError(`reserved CBOR additional information ${info}`);
    }
    this.value = value;
    return major;
  }

  uint32(): number {
    const value = readUint32(this.bytes, this.offset);
    this.offset += 4;
    return value;
  }

  /** A text string: ASCII (nearly all CTAP2 text) read directly, anything else through the strict decoder. */
  text(length: number): string {
    this.need(length);
    const b = this.bytes;
    const start = this.offset;
    const end = start + length;
    let text = '';
    for (let i = start; i < end; i += 1) {
      const byte = b[i]!;
      if (byte > 0x7f) {
        try {
          text = strictUtf8.decode(b.subarray(start, end));
        } catch {
          throw new CborError('CBOR text string is not valid UTF-8');
        }
        break;
      }
      text += String.fromCharCode(byte);
    }
    this.offset = end;
    return text;
  }

  /** A head longer than its value needs: refused when strict, noted when tolerant. */
  nonMinimal(): void {
    if (!this.tolerant) throw new CborError('CBOR is not in canonical form: an integer or length is encoded in more bytes than necessary');
    this.nonMinimalSeen = true;
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
  const major = r.head();
  const value = r.value;
  switch (major) {
    case 0:
      return value;
    case 1:
      return -1 - value;
    case 2:
      return r.take(value);
    case 3:
      return r.text(value);
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
      let previousStart = -1;
      let previousEnd = -1;
      let previousKey: string | number | undefined;
      for (let i = 0; i < value; i += 1) {
        const keyStart = r.offset;
        const key = decodeItem(r, depth + 1);
        if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('CBOR map keys must be integers or text strings');
        // Keys compare as values, so 1 and a non-minimal 1 are the same key too.
        if (map.has(key)) throw new CborError('CBOR map has a duplicate key');
        if (!r.tolerant) {
          if (previousStart >= 0 && compareRanges(r.bytes, previousStart, previousEnd, keyStart, r.offset) > 0) throw new CborError('CBOR is not in canonical form: map keys are out of order');
          previousStart = keyStart;
          previousEnd = r.offset;
        } else if (previousKey !== undefined && compareBytes(keyBytes(previousKey), keyBytes(key)) > 0) {
          // Order is judged on the keys' canonical encodings: a long head alone does not unsort a map.
          r.unsorted = true;
        }
        previousKey = key;
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
  return whole(bytes, decodeCanonicalPrefix(bytes)).value;
}

/** Decodes the canonical CBOR item at the start of `bytes` and says how many bytes it took. */
export function decodeCanonicalPrefix(bytes: Uint8Array): { value: CborValue; length: number } {
  const { value, length } = decodePrefix(bytes, false);
  return { value, length };
}

/** A tolerantly decoded item: its value, its length in bytes, and how it departed from canonical form (nothing when it did not). */
export interface TolerantDecoding {
  readonly value: CborValue;
  readonly length: number;
  readonly departures: readonly CborDeparture[];
}

/** Decodes one CBOR item that fills the input exactly, in any map key order and with any head length. */
export function decodeTolerant(bytes: Uint8Array): TolerantDecoding {
  return whole(bytes, decodeTolerantPrefix(bytes));
}

/** Decodes the CBOR item at the start of `bytes` tolerantly and says how many bytes it took. */
export function decodeTolerantPrefix(bytes: Uint8Array): TolerantDecoding {
  return decodePrefix(bytes, true);
}

function decodePrefix(bytes: Uint8Array, tolerant: boolean): TolerantDecoding {
  if (bytes.length === 0) throw new CborError('invalid CBOR: no data');
  const reader = new Reader(bytes, tolerant);
  const value = decodeItem(reader, 0);
  return { value, length: reader.offset, departures: reader.departures() };
}

function whole<T extends { length: number }>(bytes: Uint8Array, decoded: T): T {
  if (decoded.length !== bytes.length) throw new CborError(`invalid CBOR: ${bytes.length - decoded.length} trailing byte(s) after the item`);
  return decoded;
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
