import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors';
import { CONFUSABLES_UNICODE_VERSION, confusable, refuseLookAlike, skeleton } from './confusables';
import confusables from './confusables.json';

describe('look-alike names (UTS #39 skeletons)', () => {
  it('ships the confusables mapping of a Unicode version no older than the one Node speaks', () => {
    expect(CONFUSABLES_UNICODE_VERSION).toBe('17.0.0');
    expect(Object.keys(confusables.prototypes)).toHaveLength(6565);
    // Characters newer than the mapping would be accepted without a look-alike check: regenerate it (build/scripts/confusables.mjs).
    expect(parseFloat(CONFUSABLES_UNICODE_VERSION)).toBeGreaterThanOrEqual(parseFloat(process.versions.unicode ?? '0'));
  });

  it('maps each character to its prototype: Cyrillic and Greek capitals, digit one, rn', () => {
    expect(skeleton('\u0410\u0392\u0421')).toBe('ABC');
    expect(skeleton('bg1')).toBe('bgl');
    expect(skeleton('m')).toBe('rn');
  });

  it('takes a Cyrillic look-alike (U+0410, U+0435) of "Alice Example" for it', () => {
    expect(confusable('\u0410lic\u0435 Example', 'Alice Example')).toBe(true);
  });

  it('compares without regard to case: a capital I for a small l, alice for Alice', () => {
    expect(confusable('Ian Example', 'lan Example')).toBe(true);
    expect(confusable('alice example', 'Alice Example')).toBe(true);
  });

  it('ignores default-ignorable characters and decomposition differences', () => {
    expect(confusable('Alice\u034f', 'Alice')).toBe(true);
    expect(confusable('Jose\u0301', 'Jos\u00e9')).toBe(true);
  });

  it('tells apart names that differ in a visible letter', () => {
    expect(confusable('Alice Example', 'Bob Example')).toBe(false);
    expect(confusable('Break glass 1', 'Break glass 2')).toBe(false);
    expect(confusable('Alice Example', 'AliceExample')).toBe(false);
  });

  it('refuses a look-alike as a conflict naming what it resembles and the characters that stand in', () => {
    let error: unknown;
    try {
      refuseLookAlike('\u0410lic\u0435 Example', [{ text: 'Bob Example', as: 'the custodian Bob Example' }, { text: 'Alice Example', as: 'the custodian Alice Example' }], 'name');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeywardError);
    expect(error).toMatchObject({ code: 'conflict', field: 'name' });
    expect((error as Error).message).toBe('"\u0410lic\u0435 Example" looks like the custodian Alice Example (U+0410, U+0435 are look-alikes of its characters); choose one that cannot be taken for it, on screen or on a printed report');
  });

  it('lets a name through that resembles nothing recorded, and skips empty recorded texts', () => {
    expect(() => refuseLookAlike('Carol Example', [{ text: 'Alice Example', as: 'x' }, { text: '', as: 'y' }], 'name')).not.toThrow();
  });
});
