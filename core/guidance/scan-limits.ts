/** Places in an export's text, and the bounds every scanner of exports keeps to. */
import { invalidInput, type KeywardError } from '../errors';

/** A place in the text: 1-based line, and 1-based column counted in characters. */
export interface TextPlace {
  readonly line: number;
  readonly column: number;
}

export interface ScanLimits {
  /** The longest string (JSON) or field (CSV), in characters. */
  readonly field: number;
  /** The longest record (JSON) or row (CSV), in characters. */
  readonly record: number;
  /** The deepest nesting of objects and arrays in a JSON record. */
  readonly depth: number;
}

/** Far above anything Entra writes (a sign-in is about 2 KB, nested 4 deep), far below harm. */
export const SCAN_LIMITS: ScanLimits = { field: 64 * 1024, record: 1024 * 1024, depth: 64 };

export const describePlace = (place: TextPlace): string => `line ${place.line}, column ${place.column}`;

/** An input error at a place in the file. */
export const malformed = (place: TextPlace, message: string): KeywardError => invalidInput('file', `${describePlace(place)}: ${message}`);

/** The place `offset` characters into `text`, which begins at `start`. */
export function placeWithin(start: TextPlace, text: string, offset: number): TextPlace {
  let line = start.line;
  let lineStart = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i;
  }
  return lineStart < 0 ? { line, column: start.column + offset } : { line, column: offset - lineStart };
}

/** A short, printable sample of what was found, for an error message. */
export const sample = (text: string, at: number): string => JSON.stringify(text.slice(at, at + 12) + (text.length > at + 12 ? '…' : ''));

export const characters = (n: number): string => `${n.toLocaleString('en-US')} characters`;

export const placeAt = (line: number, lineStart: number, i: number): TextPlace => ({ line, column: i - lineStart + 1 });
