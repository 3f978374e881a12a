import { invalidInput } from '../errors';

/**
 * Text as Keyward stores and prints it: NFC, trimmed, one space between words, and nothing that
 * prints as nothing or reorders what is printed. A name on a report must read the same to every
 * reader, so characters that could make one name pass for another are refused, not removed: the
 * person typing learns what was in the text they pasted.
 */

/** Bidirectional controls: they reorder how the text around them is shown. */
const BIDI_CONTROLS = new Map<number, string>([
  [0x061c, 'ARABIC LETTER MARK'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
]);

/** Characters that take no width at all. */
const ZERO_WIDTH = new Map<number, string>([
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x2060, 'WORD JOINER'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE, the byte order mark'],
  [0x00ad, 'SOFT HYPHEN'],
]);

/**
 * Everything refused: control and format characters (Cc, Cf), line and paragraph separators,
 * lone surrogates, private-use and unassigned code points (no font or confusables table can say
 * what they look like), default-ignorable code points (Hangul fillers, variation selectors: drawn
 * as nothing), and the blank braille pattern, which prints as a space without being one.
 */
const REFUSED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\u2800]/u;
const SPACES = /\p{Zs}+/gu;

/** U+XXXX, as the Unicode standard writes a code point. */
export const codePoint = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

function whatItIs(char: string): string {
  const cp = char.codePointAt(0)!;
  const bidi = BIDI_CONTROLS.get(cp);
  if (bidi) return `${codePoint(cp)} (${bidi}), a bidirectional control that can reorder the text as it is shown and printed`;
  const zeroWidth = ZERO_WIDTH.get(cp);
  if (zeroWidth) return `${codePoint(cp)} (${zeroWidth}), an invisible character`;
  if (/\p{Cc}/u.test(char)) return `${codePoint(cp)}, a control character`;
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return `${codePoint(cp)}, a line break`;
  if (/\p{Cs}/u.test(char)) return `${codePoint(cp)}, half of a character (a lone surrogate)`;
  if (/\p{Co}/u.test(char)) return `${codePoint(cp)}, a private-use character that each font may draw differently`;
  if (/\p{Cn}/u.test(char)) return `${codePoint(cp)}, a code point Unicode has not assigned`;
  if (/\p{Cf}/u.test(char)) return `${codePoint(cp)}, an invisible formatting character`;
  return `${codePoint(cp)}, a character that prints as nothing or as a blank`;
}

/**
 * The text as it is stored: NFC, runs of spaces as one space, trimmed. Throws invalid_input naming
 * the field, the first refused character (U+XXXX) and where it is.
 */
export function normaliseText(value: string, field: string): string {
  // Line ends and tabs around the text (a pasted line, a piped value) go with the trimming; within it they are refused.
  const lead = /^[\t\n\v\f\r ]*/.exec(value)![0].length;
  const text = value.slice(lead).replace(/[\t\n\v\f\r ]+$/, '');
  let position = lead;
  for (const char of text) {
    position += 1;
    if (REFUSED.test(char)) throw invalidInput(field, `${field} contains ${whatItIs(char)} (character ${position}); type it again without that character`);
  }
  return text.normalize('NFC').replace(SPACES, ' ').trim();
}
