import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors';
import { normaliseText } from './text';

function refusal(value: string, field = 'name'): KeywardError {
  try {
    normaliseText(value, field);
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    return error as KeywardError;
  }
  throw new Error(`"${value}" was accepted`);
}

describe('text as it is stored and printed', () => {
  it('refuses a right-to-left override (U+202E), naming the field and the character', () => {
    const error = refusal('Alice \u202eelpmaxE');
    expect(error).toMatchObject({ code: 'invalid_input', field: 'name' });
    expect(error.message).toMatch(/^name contains U\+202E \(RIGHT-TO-LEFT OVERRIDE\), a bidirectional control .* \(character 7\)/);
  });

  it('refuses the other bidirectional controls: embeddings, isolates, marks', () => {
    for (const cp of [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(refusal(`Al${String.fromCodePoint(cp)}ice`).message).toContain(`U+${cp.toString(16).toUpperCase().padStart(4, '0')} (`);
    }
  });

  it('refuses a zero-width space (U+200B)', () => {
    expect(refusal('Al\u200bice', 'label')).toMatchObject({ field: 'label', message: expect.stringContaining('label contains U+200B (ZERO WIDTH SPACE), an invisible character (character 3)') });
  });

  it('refuses the zero-width joiners and the word joiner', () => {
    for (const cp of ['U+200C', 'U+200D', 'U+2060']) expect(refusal(`Al${String.fromCodePoint(parseInt(cp.slice(2), 16))}ice`).message).toContain(cp);
  });

  it('refuses a byte order mark (U+FEFF), even at the start where trimming would have hidden it', () => {
    expect(refusal('\ufeffAlice Example').message).toContain('U+FEFF (ZERO WIDTH NO-BREAK SPACE, the byte order mark), an invisible character (character 1)');
  });

  it('refuses any other format character (Cf), a control character inside the text, a Hangul filler and a variation selector', () => {
    expect(refusal('Al\u00adice').message).toContain('U+00AD (SOFT HYPHEN)');
    expect(refusal('A\u{e0041}lice').message).toContain('U+E0041, an invisible formatting character');
    expect(refusal('Alice\tExample').message).toContain('U+0009, a control character');
    expect(refusal('Alice\u2028Example').message).toContain('U+2028, a line break');
    expect(refusal('Alice\u3164').message).toContain('U+3164, a character that prints as nothing');
    expect(refusal('Alice\ufe00').message).toContain('U+FE00');
    expect(refusal('Alice\u2800Example').message).toContain('U+2800');
  });

  it('refuses private-use and unassigned code points, and half a surrogate pair', () => {
    expect(refusal('Alice\ue000').message).toContain('U+E000, a private-use character');
    expect(refusal('Alice\u0378').message).toContain('U+0378, a code point Unicode has not assigned');
    expect(refusal('Alice\ud800').message).toContain('U+D800, half of a character');
  });

  it('accepts double spaces and stores them as one, with the ends trimmed', () => {
    expect(normaliseText('  Alice   Example ', 'name')).toBe('Alice Example');
  });

  it('takes no-break and other wide spaces for a space', () => {
    expect(normaliseText('Alice\u00a0\u2003Example\u3000', 'name')).toBe('Alice Example');
  });

  it('stores NFD input as NFC', () => {
    const nfd = 'Jose\u0301 Mu\u0308ller';
    const stored = normaliseText(nfd, 'name');
    expect(stored).toBe('Jos\u00e9 M\u00fcller');
    expect(stored).toBe(stored.normalize('NFC'));
  });

  it('trims a line end or tab around the text, as a piped or pasted value has', () => {
    expect(normaliseText('\tAlice Example\r\n', 'name')).toBe('Alice Example');
  });

  it('keeps letters of every script, marks and emoji that are not invisible', () => {
    expect(normaliseText('Zoë Ångström 李小龍 Ολυμπία 🔑', 'note')).toBe('Zoë Ångström 李小龍 Ολυμπία 🔑');
  });
});
