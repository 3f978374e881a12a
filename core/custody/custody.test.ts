import { describe, expect, it } from 'vitest';
import { parseExpectedReturn } from './custody';

const NOW = new Date('2026-11-25T09:00:00.000Z');

describe('the expected return of a checkout', () => {
  it('refuses 30 February rather than reading it as 2 March', () => {
    expect(() => parseExpectedReturn('2027-02-30T10:00:00Z', NOW)).toThrow(/"2027-02-30T10:00:00Z" is not a real date and time/);
    expect(() => parseExpectedReturn('2026-11-31T10:00+01:00', NOW)).toThrow(/not a real date and time/);
    expect(() => parseExpectedReturn('2026-11-25T24:00Z', NOW)).toThrow(/not a real date and time/);
  });

  it('takes a real date and time with its zone, or hours from now, and only ahead', () => {
    expect(parseExpectedReturn('2026-11-26T17:00+01:00', NOW)).toBe('2026-11-26T16:00:00.000Z');
    expect(parseExpectedReturn('8h', NOW)).toBe('2026-11-25T17:00:00.000Z');
    expect(() => parseExpectedReturn('2026-11-26T17:00', NOW)).toThrow(/with its zone/);
    expect(() => parseExpectedReturn('2026-11-24T17:00Z', NOW)).toThrow(/must lie in the future/);
  });
});
