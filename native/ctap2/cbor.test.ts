import { describe, expect, it } from 'vitest';
import { CborError, decodeCanonical, decodeCanonicalPrefix, decodeTolerant, decodeTolerantPrefix, encodeCanonical } from './cbor';

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

describe('tolerant decoding of what keys send', () => {
  it.each([
    ['map keys out of order', 'a2 03 00 01 00', new Map([[3, 0], [1, 0]]), ['map keys out of canonical order']],
    ['text keys as built: alg, x5c, sig', 'a3 63616c67 26 63783563 80 63736967 41 ff', new Map<unknown, unknown>([['alg', -7], ['x5c', []], ['sig', Uint8Array.of(0xff)]]), ['map keys out of canonical order']],
    ['a non-minimal integer', 'a1 18 01 00', new Map([[1, 0]]), ['integers or lengths not in their shortest form']],
    ['a non-minimal length', 'a1 01 58 01 ff', new Map([[1, Uint8Array.of(0xff)]]), ['integers or lengths not in their shortest form']],
    ['an eight-byte head', 'a1 01 1b 00 00 00 00 00 00 00 05', new Map([[1, 5]]), ['integers or lengths not in their shortest form']],
    ['both', 'a2 19 00 03 00 01 00', new Map([[3, 0], [1, 0]]), ['map keys out of canonical order', 'integers or lengths not in their shortest form']],
  ])('reads %s and says how it departed from canonical form', (_name, bytes, value, departures) => {
    expect(() => decodeCanonical(hex(bytes))).toThrow(/not in canonical form/);
    expect(decodeTolerant(hex(bytes))).toEqual({ value, length: hex(bytes).length, departures });
  });

  it('finds nothing to say about canonical input', () => {
    const encoded = encodeCanonical(new Map<number, unknown>([[1, 'packed'], [3, new Map([['alg', -7]])]]) as never);
    expect(decodeTolerant(encoded).departures).toEqual([]);
  });

  it.each([
    ['a duplicate key, apart', 'a3 01 00 02 00 01 00'],
    ['the same key written twice in different lengths', 'a2 01 00 18 01 00'],
    ['trailing bytes', 'a1 01 00 00'],
    ['truncated input', 'a2 01 00 02'],
    ['a length beyond the message', 'a1 01 5a 00 01 00 00 ff'],
    ['an array count beyond the message', 'a1 01 9a 00 00 10 00 01'],
    ['text that is not UTF-8', 'a1 01 62 c3 28'],
    ['an indefinite-length map', 'bf 01 00 ff'],
    ['a tag', 'a1 01 c1 00'],
    ['a float', 'a1 01 fa 3f 80 00 00'],
    ['a length past 2^53', 'a1 01 5b 00 20 00 00 00 00 00 00'],
    ['nesting beyond 16 levels', '81'.repeat(18) + '00'],
  ])('still refuses %s', (_name, bytes) => {
    expect(() => decodeTolerant(hex(bytes))).toThrow(CborError);
  });

  it('reads a prefix tolerantly and says how long it was', () => {
    expect(decodeTolerantPrefix(hex('a2 03 00 01 00 ff'))).toEqual({ value: new Map([[3, 0], [1, 0]]), length: 5, departures: ['map keys out of canonical order'] });
  });
});
