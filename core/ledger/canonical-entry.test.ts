import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/random';
import { CanonicalEntryScan, chainTailOf } from './canonical-entry';
import type { JsonValue } from './canonical-json';
import { entryBody, GENESIS_HASH, type Approval, type UnsealedEntry } from './ledger';

const approval: Approval = { role: 'custodian', custodianId: 1, credentialId: 'AAEC', clientDataJSON: 'eyJ9', authenticatorData: 'AQID', signature: 'MEUC' };
const entry = (payload: { [key: string]: JsonValue }, approvals?: Approval[]): UnsealedEntry => ({
  seq: 12,
  recordedAt: '2026-11-25T09:00:00.000Z',
  utcOffset: '+01:00',
  actors: [{ role: 'operator', name: 'Alice' }],
  kind: 'custody.checked_out',
  payload,
  prevHash: GENESIS_HASH,
  ...(approvals ? { approvals } : {}),
});

/** Random JSON of every shape canonical JSON can hold, strings with escapes, astral and control characters. */
function randomValue(next: () => number, depth = 0): JsonValue {
  const pick = Math.floor(next() * (depth > 3 ? 4 : 6));
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => ['a', 'Z', 'é', '"', '\\', '\n', '\u0001', '\u001f', '😀', '/', ' ', '\u2028', '\u007f'][Math.floor(next() * 13)]).join('');
  if (pick === 0) return text();
  if (pick === 1) return Math.floor((next() - 0.5) * 2 ** 53);
  if (pick === 2) return [true, false, null][Math.floor(next() * 3)]!;
  if (pick === 3) return Math.floor(next() * 10);
  if (pick === 4) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [text(), randomValue(next, depth + 1)]));
}

const scan = (body: string) => {
  const s = new CanonicalEntryScan();
  return s.scan(body) ? { ok: true as const, kind: s.kind, approvals: s.approvalsStart >= 0 ? body.slice(s.approvalsStart, s.approvalsEnd) : undefined } : { ok: false as const, problem: s.problem };
};

describe('CanonicalEntryScan', () => {
  it('accepts every body Keyward writes, and finds its kind and approvals', () => {
    const next = seededRandom(16);
    for (let i = 0; i < 2000; i += 1) {
      const payload = randomValue(next) as { [key: string]: JsonValue };
      const body = entryBody(entry(typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : { value: payload }, i % 3 === 0 ? [approval] : undefined));
      const result = scan(body);
      expect(result, body).toMatchObject({ ok: true, kind: 'custody.checked_out' });
      if (i % 3 === 0) expect(result.ok && result.approvals).toBe(`,"approvals":${JSON.stringify([approval].map((a) => Object.fromEntries(Object.entries(a).sort())))}`);
    }
  });

  it.each([
    ['a second kind that JSON.parse would read instead', (b: string) => b.replace('"utcOffset":"+01:00"', '"utcOffset":"+01:00","kind":"place.added"'), 'fields an entry does not have'],
    ['a repeated payload key', (b: string) => b.replace('"payload":{"a":1}', '"payload":{"a":1,"a":2}'), 'not in canonical order (or a key is repeated)'],
    ['keys out of order', (b: string) => b.replace('"payload":{"a":1}', '"payload":{"b":1,"a":2}'), 'canonical order'],
    ['a space', (b: string) => b.replace('"payload":{"a":1}', '"payload":{"a": 1}'), 'expected a value'],
    ['a fraction written as a whole number', (b: string) => b.replace('"a":1', '"a":1.0'), 'shortest form'],
    ['an exponent', (b: string) => b.replace('"a":1', '"a":1e0'), 'shortest form'],
    ['a leading zero', (b: string) => b.replace('"a":1', '"a":01'), 'leading zero'],
    ['negative zero', (b: string) => b.replace('"a":1', '"a":-0'), 'negative zero'],
    ['an unsafe integer', (b: string) => b.replace('"a":1', '"a":9007199254740993'), 'not a safe integer'],
    ['an escaped letter', (b: string) => b.replace('"Alice"', '"Al\\u0069ce"'), 'escape that canonical JSON does not write'],
    ['an escaped slash', (b: string) => b.replace('"Alice"', '"Al\\/ice"'), 'escape'],
    ['an upper-case control escape', (b: string) => b.replace('"Alice"', '"Al\\u001Fice"'), 'escape'],
    ['a raw control character', (b: string) => b.replace('"Alice"', '"Al\nice"'), 'unescaped control character'],
    ['an escaped lone surrogate', (b: string) => b.replace('"Alice"', '"Al\\ud800ice"'), 'escape'],
    ['a raw lone surrogate', (b: string) => b.replace('"Alice"', '"Al\ud800ice"'), 'lone surrogate'],
    ['trailing text', (b: string) => `${b}\n`, 'text follows'],
    ['a missing field', (b: string) => b.replace(/"actors":\[[^\]]*\],/, ''), 'fields are not'],
    ['an empty approvals list', (b: string) => b.replace('"kind"', '"approvals":[],"kind"'), 'non-empty list'],
    ['a kind that is not a string', (b: string) => b.replace('"kind":"custody.checked_out"', '"kind":7'), 'not a string'],
    ['an unclosed string', (b: string) => b.slice(0, b.indexOf('Alice') + 3), 'not closed'],
    ['a top-level array', () => '[1]', 'not a JSON object'],
  ])('refuses %s', (_name, edit, problem) => {
    const body = entryBody(entry({ a: 1 }));
    expect(scan(body).ok).toBe(true);
    expect(scan(edit(body))).toEqual({ ok: false, problem: expect.stringContaining(problem) });
  });

  it('orders keys with escapes by the characters they stand for', () => {
    const body = entryBody(entry({ 'a"b': 1, 'a\\': 2, a: 3, 'a\u0001': 4 }));
    expect(scan(body).ok).toBe(true);
    expect(body).toContain('"a":3,"a\\u0001":4,"a\\"b":1,"a\\\\":2');
    expect(scan(body.replace('"a\\u0001":4,"a\\"b":1', '"a\\"b":1,"a\\u0001":4')).problem).toContain('canonical order');
  });

  it('refuses nesting too deep for the stack as a finding, not a crash', () => {
    const deep = entryBody(entry({ a: 1 })).replace('"a":1', `"a":${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(scan(deep)).toEqual({ ok: false, problem: expect.stringContaining('nested too deeply') });
  });

  it('proves a body up to its tail when the tail was read in place, and finds the tail where Keyward writes it', () => {
    const body = entryBody(entry({ a: 1 }));
    const tail = chainTailOf(body)!;
    expect(tail).toEqual({ seq: 12, tailAt: body.indexOf(',"prevHash":'), prevHashAt: body.indexOf(GENESIS_HASH) });
    expect(new CanonicalEntryScan().scan(body, tail.tailAt)).toBe(true);
    const longer = body.replace('"payload":{"a":1}', '"payload":{"a":1},"payload":{"b":2}');
    const s = new CanonicalEntryScan();
    expect(s.scan(longer, chainTailOf(longer)!.tailAt)).toBe(false);
    expect(s.problem).toContain('its payload does not end where its chain fields begin');
  });

  it.each([
    ['a seq with a leading zero', (b: string) => b.replace('"seq":12', '"seq":012')],
    ['a seq that is not a number', (b: string) => b.replace('"seq":12', '"seq":"12"')],
    ['a timestamp without milliseconds', (b: string) => b.replace('09:00:00.000Z', '09:00:00Z')],
    ['a timestamp with a letter for a digit', (b: string) => b.replace('2026-11-25', '2026-1x-25')],
    ['an offset without its sign', (b: string) => b.replace('"+01:00"', '"01:00"')],
    ['a field after the offset', (b: string) => b.replace('"+01:00"}', '"+01:00","x":1}')],
    ['a previous hash one character short', (b: string) => b.replace(`"${GENESIS_HASH}"`, `"${GENESIS_HASH.slice(1)}"`)],
  ])('finds no tail in an entry with %s', (_name, edit) => {
    const body = entryBody(entry({ a: 1 }));
    expect(chainTailOf(edit(body))).toBeUndefined();
  });
});
