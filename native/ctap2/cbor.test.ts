import { describe, expect, it } from 'vitest';
import { CborError, decodeCanonical, decodeCanonicalPrefix, encodeCanonical } from './cbor';

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

describe('canonical CBOR', () => {
  it('sorts map keys as CTAP2 requires: unsigned, then negative, then text, shorter first', () => {
    const encoded = encodeCanonical(new Map<number | string, number>([['b', 0], [-2, 0], [3, 0], ['a', 0], [-1, 0], [1, 0], ['aa', 0]]));
    expect(Buffer.from(encoded).toString('hex')).toBe('a7' + '0100' + '0300' + '2000' + '2100' + '616100' + '616200' + '62616100');
  });

  it('round-trips what it encodes', () => {
    const value = new Map<number, unknown>([[1, 'FIDO_2_1'], [3, new Uint8Array([1, 2])], [4, new Map([['rk', true]])], [5, [1, -7, 300]]]);
    expect(decodeCanonical(encodeCanonical(value as never))).toEqual(value);
  });

  it.each([
    ['keys out of order', 'a2 03 00 01 00'],
    ['a non-minimal integer', 'a1 18 01 00'],
    ['a non-minimal length', 'a1 01 58 01 ff'],
    ['an indefinite-length array', 'a1 01 9f 01 ff'],
    ['a duplicate key', 'a2 01 00 01 00'],
    ['trailing bytes', 'a1 01 00 00'],
    ['truncated input', 'a2 01 00 02'],
    ['undefined', 'a1 01 f7'],
    ['a tag', 'a1 01 c1 00'],
    ['a float where an integer would do', 'a1 01 f9 3c 00'],
    ['nothing at all', ''],
    ['an array as a map key', 'a1 81 01 00'],
  ])('refuses %s', (_name, bytes) => {
    expect(() => decodeCanonical(hex(bytes))).toThrow(CborError);
  });

  it('decodes an item at the start of a buffer and says how long it was', () => {
    expect(decodeCanonicalPrefix(hex('a1 01 02 ff ee'))).toEqual({ value: new Map([[1, 2]]), length: 3 });
    expect(() => decodeCanonicalPrefix(hex('a2 03 00 01 00 ff'))).toThrow(/not in canonical form/);
  });
});

describe('text strings', () => {
  it('encodes ASCII and non-ASCII text as UTF-8 and reads it back', () => {
    for (const text of ['public-key', 'Zürich', '鍵', '🔑', '']) {
      const encoded = encodeCanonical(text);
      expect(Buffer.from(encoded.subarray(encoded.length - Buffer.byteLength(text))).toString('utf8')).toBe(text);
      expect(decodeCanonical(encoded)).toBe(text);
    }
  });

  it('refuses text that is not valid UTF-8', () => {
    expect(() => decodeCanonical(hex('62 c3 28'))).toThrow(/not valid UTF-8/);
  });
});
