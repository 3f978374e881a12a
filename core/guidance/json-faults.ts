import { malformed, placeWithin, type TextPlace } from './scan-limits';

/**
 * Parses a piece of JSON read from an export, and when it is not JSON names the line and column
 * of the fault in the file: `source` begins at `start`; `prefix` and `suffix` complete it into a
 * value (a page's own members are checked this way) and lie outside the file.
 */
export function parseJsonAt(source: string, start: TextPlace, what: string, prefix = '', suffix = ''): unknown {
  const text = prefix + source + suffix;
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // V8 gives the position of some faults ("… in JSON at position 12") but not of an unexpected token.
    const position = /at position (\d+)/.exec(message);
    const at = position ? Number(position[1]) : jsonFaultOffset(text);
    const offset = Math.min(Math.max(at - prefix.length, 0), source.length);
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    throw malformed(placeWithin(start, source, offset), `${what} is not valid JSON: ${reason}`);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * The offset of the first character at which `text` stops being one JSON value (RFC 8259), or
 * -1 if it is one. Only for naming the place of a fault JSON.parse found: it is slow, and its
 * recursion is bounded by the scanners' depth limit.
 */
export function jsonFaultOffset(text: string): number {
  let i = 0;
  const fault = (): never => {
    throw new JsonFault(i);
  };
  const space = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i += 1;
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) fault();
    i += 1;
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fault();
      const ch = text[i]!;
      if (ch === '"') break;
      if (ch === '\\') {
        i += 1;
        if (text[i] === 'u') {
          if (!HEX4.test(text.slice(i + 1, i + 5))) fault();
          i += 5;
        } else if (ESCAPES.has(text[i] ?? '')) i += 1;
        else fault();
      } else i += 1;
    }
    i += 1;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i += 1;
      space();
      if (text[i] === close) {
        i += 1;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === close) break;
        expect(',');
      }
      i += 1;
    } else if (ch === '"') string();
    else if (ch === 't' || ch === 'f' || ch === 'n') {
      for (const letter of ch === 't' ? 'true' : ch === 'f' ? 'false' : 'null') expect(letter);
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fault();
      i = NUMBER.lastIndex;
    }
  };
  try {
    value();
    space();
    return i < text.length ? i : -1;
  } catch (error) {
    if (error instanceof JsonFault) return error.offset;
    throw error;
  }
}

class JsonFault {
  constructor(readonly offset: number) {}
}
