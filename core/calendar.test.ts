import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseInstant } from './calendar';

const iso = (text: string, zone: 'required' | 'optional' = 'optional') => {
  const at = parseInstant(text, zone);
  return at === null ? null : new Date(at).toISOString();
};

describe('dates on the calendar', () => {
  it.each(['2027-02-30T10:00:00Z', '2026-02-29T10:00:00Z', '1900-02-29T00:00Z', '2026-04-31T10:00Z', '2026-13-01T10:00Z', '2026-00-10T10:00Z', '2026-11-00T10:00Z'])('refuses %s, which the calendar lacks, instead of rolling it over', (text) => {
    expect(iso(text)).toBeNull();
  });

  it.each(['2026-11-20T24:00Z', '2026-11-20T10:60Z', '2026-11-20T10:00:60Z', '2026-11-20T10:00+14:30', '2026-11-20T10:00+01:60', '2026-11-20 10:00Z', '2026-11-20', '20261120T1000Z', '2026-11-20T10:00Z trailing'])('refuses %s, which is no time of day or not ISO 8601', (text) => {
    expect(iso(text)).toBeNull();
  });

  it('accepts leap days that exist: 2028 and 2000, not 2100', () => {
    expect([isCalendarDate(2028, 2, 29), isCalendarDate(2000, 2, 29), isCalendarDate(2100, 2, 29)]).toEqual([true, true, false]);
    expect(iso('2028-02-29T23:59:59Z')).toBe('2028-02-29T23:59:59.000Z');
  });

  it('reads offsets, fractions of a second (Graph writes seven digits) and a missing zone as UTC when allowed', () => {
    expect(iso('2026-11-20T11:30:00.1234567+02:00')).toBe('2026-11-20T09:30:00.123Z');
    expect(iso('2026-11-20T11:30-0130')).toBe('2026-11-20T13:00:00.000Z');
    expect(iso('2026-11-20T11:30:05')).toBe('2026-11-20T11:30:05.000Z');
    expect(iso('2026-11-20T11:30:05', 'required')).toBeNull();
    expect(iso('0099-01-01T00:00Z')).toBe('0099-01-01T00:00:00.000Z');
  });
});
