import { describe, expect, it } from 'vitest';
import { breakPoints } from './Token';

describe('where a serial, object id or UPN may break', () => {
  it('breaks after separators only, keeping the value whole', () => {
    const upn = 'emergency-access-03@contoso.onmicrosoft.com';
    expect(breakPoints(upn)).toEqual(['emergency-', 'access-', '03@', 'contoso.', 'onmicrosoft.', 'com']);
    expect(breakPoints(upn).join('')).toBe(upn);
    expect(breakPoints('YK-01')).toEqual(['YK-', '01']);
  });

  it('breaks a long run of letters and digits between groups of eight, never inside a short one', () => {
    expect(breakPoints('YK5NFC-0123456789ABCDEF0123')).toEqual(['YK5NFC-', '01234567', '89ABCDEF', '0123']);
    expect(breakPoints('23456789')).toEqual(['23456789']);
    expect(breakPoints('TB-000123456789')).toEqual(['TB-', '000123456789']);
  });
});
