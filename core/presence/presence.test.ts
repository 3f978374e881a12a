import { describe, expect, it } from 'vitest';
import { compareWithKnown, describeFinding, presenceResult, type KnownKeyState } from './presence';
import { modelName } from './aaguid-models';

const known: KnownKeyState = { aaguid: 'cb69481e8ff7403993ec0a2729a154a8', firmwareVersion: 0x050704, versions: ['FIDO_2_0', 'FIDO_2_1'], options: { rk: true, clientPin: true }, pinRetries: 8, signCount: 10 };

describe('comparing a key with what Keyward knew', () => {
  it('finds nothing when only this check used the key', () => {
    expect(compareWithKnown(known, { ...known, signCount: 11, options: { clientPin: true, rk: true } }, 1)).toEqual([]);
  });

  it('names a drop in fingerprint retries, and compares them only when both checks read them', () => {
    const bio = { ...known, uvRetries: 3 };
    expect(compareWithKnown(bio, { ...bio, uvRetries: 1, signCount: 11 }, 1)).toEqual([{ code: 'uv_retries_dropped', before: 3, after: 1 }]);
    expect(describeFinding({ code: 'uv_retries_dropped', before: 3, after: 1 })).toBe('fingerprint retries dropped from 3 to 1: someone tried a finger the key does not know since the last check');
    expect(compareWithKnown(bio, { ...known, signCount: 11 }, 1)).toEqual([]);
    expect(compareWithKnown(known, { ...bio, signCount: 11 }, 1)).toEqual([]);
  });

  it('names each anomaly', () => {
    const findings = compareWithKnown(known, { ...known, pinRetries: 5, signCount: 14, firmwareVersion: 0x050402, options: { rk: true, clientPin: false } }, 1);
    expect(findings.map((f) => f.code)).toEqual(['pin_retries_dropped', 'counter_unexplained', 'getinfo_changed', 'getinfo_changed']);
    expect(findings.map(describeFinding)).toEqual([
      'PIN retries dropped from 8 to 5: someone tried wrong PINs since the last check',
      'signature counter went from 10 to 14, 3 use(s) more than the ledger explains',
      "the key's firmwareVersion changed from 329476 to 328706",
      `the key's options changed from {"clientPin":true,"rk":true} to {"clientPin":false,"rk":true}`,
    ]);
    expect(presenceResult(findings)).toBe('anomaly');
  });

  it('flags a counter that went back, and trusts a key that keeps no counter', () => {
    expect(compareWithKnown(known, { ...known, signCount: 3 }, 1).map((f) => f.code)).toEqual(['counter_went_back']);
    expect(compareWithKnown({ ...known, signCount: 0 }, { ...known, signCount: 0 }, 1)).toEqual([]);
  });

  it('calls a key that did not answer missing', () => {
    expect(presenceResult([{ code: 'no_answer', detail: 'unplugged' }])).toBe('missing');
    expect(presenceResult([])).toBe('ok');
  });

  it('names models from the shipped AAGUID table and never guesses', () => {
    expect(modelName('cb69481e8ff7403993ec0a2729a154a8')).toBe('YubiKey 5 Series');
    expect(modelName('00000000000000000000000000000000')).toMatch(/does not disclose/);
    expect(modelName('0123456789abcdef0123456789abcdef')).toBe('Unknown model (AAGUID 01234567-89ab-cdef-0123-456789abcdef)');
  });
});
