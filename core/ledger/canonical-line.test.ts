import { describe, expect, it } from 'vitest';
import { parseCanonicalLine } from './canonical-line';

describe('parseCanonicalLine', () => {
  it('accepts a canonical line and returns what it holds', () => {
    expect(parseCanonicalLine('{"a":[1,{"b":"é"}],"c":null}')).toEqual({ ok: true, value: { a: [1, { b: 'é' }], c: null } });
  });

  it('names a duplicate key and the object that holds it, even where the value is the same', () => {
    expect(parseCanonicalLine('{"a":1,"p":{"label":"SMUGGLED","x":[{"k":1,"k":1}],"label":"Break glass 3"}}')).toEqual({ ok: false, problem: 'duplicate key "k" in $.p.x[0]' });
    expect(parseCanonicalLine('{"a":{"b":1},"c":[{"d":2},{"b":3}],"a":1}')).toEqual({ ok: false, problem: 'duplicate key "a" in $' });
  });

  it('does not take a key-like string inside a value or an escaped quote for a key', () => {
    expect(parseCanonicalLine('{"a":"b\\",\\"a\\":","b":["a","a"]}').ok).toBe(true);
  });

  it.each([
    ['a fraction written as a whole number', '{"n":1.0}', 'at column 7: written "{\\"n\\":1.0}", canonically "{\\"n\\":1}"'],
    ['an exponent', '{"n":1e2}', 'not in canonical form'],
    ['negative zero', '{"n":-0}', 'not in canonical form'],
    ['keys out of order', '{"b":1,"a":2}', 'at column 3'],
    ['a space', '{"a": 1}', 'at column 6'],
    ['an escaped letter', '{"a":"\\u00e9"}', 'not in canonical form'],
    ['an escaped slash', '{"a":"\\/"}', 'not in canonical form'],
    ['an upper-case control escape', '{"a":"\\u001F"}', 'not in canonical form'],
    ['a carriage return at the end', '{"a":1}\r', 'not in canonical form'],
    ['a fraction', '{"n":0.5}', '$.n: number 0.5 is not a safe integer'],
    ['an escaped lone surrogate', '{"s":"\\ud800"}', 'lone surrogate'],
    ['broken JSON', '{"a":', 'not JSON'],
  ])('rejects %s', (_name, line, problem) => {
    const result = parseCanonicalLine(line);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });
});
