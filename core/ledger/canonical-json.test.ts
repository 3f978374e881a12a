import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('escapes strings exactly as JSON.stringify does', () => {
    expect(canonicalJson({ s: 'tab\there "quoted" \\ é \u0001' })).toBe('{"s":"tab\\there \\"quoted\\" \\\\ é \\u0001"}');
  });

  it('writes negative zero as 0', () => {
    expect(canonicalJson(-0)).toBe('0');
  });

  it.each([
    ['a fraction', { n: 1.5 }, '$.n: number 1.5 is not a safe integer'],
    ['an unsafe integer', { n: 2 ** 53 }, 'is not a safe integer'],
    ['infinity', [Infinity], '$[0]: number Infinity'],
    ['undefined', { u: undefined }, '$.u: undefined is not allowed'],
    ['a lone surrogate', { s: 'a\uD800b' }, 'lone surrogate'],
    ['a Date', { d: new Date(0) }, 'only plain objects'],
    ['a function', { f: () => 1 }, 'function is not allowed'],
    ['a bigint', { b: 1n }, 'bigint is not allowed'],
  ])('rejects %s with the path of the bad value', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(message);
  });
});
