/**
 * Streaming scanners for exported records (sign-in logs, Entra exports), fed chunk by chunk, so a
 * file of any size passes through without being held whole. Pure: text in, records out. Each one
 * is strict — the first thing wrong, named by its line and column, stops the import — and bounded
 * (scan-limits.ts), so that no input, an unclosed quote or arrays nested without end, can grow
 * memory past a limit.
 */
import { parseJsonAt } from './json-faults';
import { SCAN_LIMITS, characters, describePlace, malformed, placeAt, sample, type ScanLimits, type TextPlace } from './scan-limits';

export { CsvScanner } from './csv-scanner';
export { SCAN_LIMITS, describePlace, type ScanLimits, type TextPlace } from './scan-limits';

/** Where a JSON record sits: its number (from 0), where it opens, and the Graph page it came in. */
export interface JsonRecordPlace extends TextPlace {
  readonly index: number;
  /** The page's own members (its "@odata.context"), when the record came in a `{ "value": [...] }` page. */
  readonly page: Readonly<Record<string, unknown>> | null;
}

export const describeRecord = (place: JsonRecordPlace): string => `${describePlace(place)}, record ${place.index + 1}`;

// What the JSON scanner expects next.
const TOP = 0; // a record, a Graph page, or an array of records
const ARRAY_OPENED = 1; // a record or "]"
const ARRAY_ELEMENT_DONE = 2; // "," or "]"
const ARRAY_COMMA = 3; // a record
const IN_RECORD = 4; // the rest of a record (or of a page's own members), to its closing brace
const OBJECT = 1;
const ARRAY = 2;
const QUOTE = 34;
const BACKSLASH = 92;
const LINE_FEED = 10;

/**
 * Finds the records in Graph JSON — `{ "value": [...] }` pages, one or several in a row, a JSON
 * array of records, or JSON Lines — and hands each on parsed. Every record must be an object;
 * anything else where a record belongs (a number, `[1,2,3]`, a stray word, a comma too many) is an
 * error at its line and column. Only one record is buffered, never a page; a page's own members
 * are checked as JSON too.
 */
export class JsonRecordScanner {
  readonly #limits: ScanLimits;
  readonly #open: Uint8Array;
  #state = TOP;
  #count = 0;
  #line = 1;
  /** Index in the current chunk where the current line begins (negative: in an earlier chunk). */
  #lineStart = 0;
  // The record being read: its text so far, its nesting, the string it is in.
  #depth = 0;
  #inString = false;
  #escape = false;
  #stringStart = 0;
  #stringCarried = 0;
  #stringLine = 0;
  #stringColumn = 0;
  #parts: string[] = [];
  #partsLength = 0;
  #segmentStart = 0;
  #start: TextPlace = { line: 1, column: 1 };
  #fromArray = false;
  // A top-level object is a Graph page once a "value" key holds an array: its keys are watched.
  #topLevel = false;
  #keyExpected = false;
  #keyStart = -1;
  #keyText = '';
  #valueKeyPending = false;
  #pageArray = false;
  #page: Readonly<Record<string, unknown>> | null = null;
  #inPageTail = false;
  #lastPage: Readonly<Record<string, unknown>> | null = null;

  constructor(
    private readonly onRecord: (value: unknown, place: JsonRecordPlace) => void,
    limits: ScanLimits = SCAN_LIMITS,
  ) {
    this.#limits = limits;
    this.#open = new Uint8Array(limits.depth + 2);
  }

  /** Where the next character will be. */
  place(): TextPlace {
    return { line: this.#line, column: 1 - this.#lineStart };
  }

  push(chunk: string): void {
    const n = chunk.length;
    if (n === 0) return;
    let state = this.#state;
    let depth = this.#depth;
    let inString = this.#inString;
    let line = this.#line;
    let lineStart = this.#lineStart;
    let i = 0;
    if (this.#escape) {
      this.#escape = false;
      i = 1;
    }
    while (i < n) {
      if (inString) {
        while (i < n) {
          const c = chunk.charCodeAt(i);
          if (c === QUOTE) break;
          i += c === BACKSLASH ? 2 : 1;
        }
        if (i >= n) {
          this.#escape = i > n;
          break;
        }
        inString = false;
        this.#endString(chunk, i);
        i += 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === LINE_FEED) {
        line += 1;
        lineStart = i + 1;
      } else if (state === IN_RECORD) {
        if (c === QUOTE) {
          inString = true;
          this.#beginString(i, line, i - lineStart + 1, depth);
        } else if (c === 123 || c === 91) {
          if (c === 91 && depth === 1 && this.#valueKeyPending) {
            this.#beginPage(chunk, i);
            state = ARRAY_OPENED;
            depth = 0;
          } else {
            depth += 1;
            if (depth > this.#limits.depth) throw malformed(placeAt(line, lineStart, i), `objects and arrays nested deeper than ${this.#limits.depth} levels`);
            this.#open[depth] = c === 123 ? OBJECT : ARRAY;
            this.#valueKeyPending = false;
          }
        } else if (c === 125 || c === 93) {
          if (this.#open[depth] !== (c === 125 ? OBJECT : ARRAY)) throw malformed(placeAt(line, lineStart, i), `"${chunk[i]}" where ${this.#open[depth] === OBJECT ? 'an object' : 'an array'} should close`);
          depth -= 1;
          if (depth === 0) state = this.#endRecord(chunk, i);
        } else if (c === 44 && depth === 1) {
          this.#keyExpected = true;
          this.#valueKeyPending = false;
        }
      } else if (c !== 32 && c !== 9 && c !== 13) {
        // Between records: only whitespace, and in an array its commas and brackets.
        if (c === 123 && state !== ARRAY_ELEMENT_DONE) {
          this.#beginRecord(i, placeAt(line, lineStart, i), state === TOP);
          state = IN_RECORD;
          depth = 1;
        } else if (c === 91 && state === TOP) {
          state = ARRAY_OPENED;
          this.#pageArray = false;
        } else if (c === 44 && state === ARRAY_ELEMENT_DONE) {
          state = ARRAY_COMMA;
        } else if (c === 93 && (state === ARRAY_OPENED || state === ARRAY_ELEMENT_DONE)) {
          if (this.#pageArray) {
            // The page's own members after its "value" array are read (and checked) like a record.
            this.#pageArray = false;
            this.#inPageTail = true;
            this.#beginRecord(i + 1, placeAt(line, lineStart, i + 1), true);
            this.#keyExpected = false;
            state = IN_RECORD;
            depth = 1;
          } else state = TOP;
        } else throw malformed(placeAt(line, lineStart, i), this.#unexpected(state, chunk, i));
      }
      i += 1;
    }
    if (inString) {
      this.#stringCarried += n - this.#stringStart;
      this.#stringStart = 0;
      if (this.#stringCarried > this.#limits.field) throw malformed({ line: this.#stringLine, column: this.#stringColumn }, `a string longer than ${characters(this.#limits.field)} begins here (an unclosed quote?)`);
      if (this.#keyStart >= 0) {
        this.#keyText += chunk.slice(this.#keyStart);
        this.#keyStart = this.#keyText.length > 64 ? -1 : 0;
      }
    }
    if (state === IN_RECORD) {
      this.#parts.push(chunk.slice(this.#segmentStart));
      this.#partsLength += n - this.#segmentStart;
      this.#segmentStart = 0;
      if (this.#partsLength > this.#limits.record) throw malformed(this.#start, `${this.#inPageTail ? 'the rest of this page' : `record ${this.#count + 1}`}, which begins here, is longer than ${characters(this.#limits.record)}`);
    }
    this.#state = state;
    this.#depth = depth;
    this.#inString = inString;
    this.#line = line;
    this.#lineStart = lineStart - n;
  }

  /** The own members of the last Graph page read whole (before and after its "value"), e.g. its "@odata.nextLink". */
  get lastPage(): Readonly<Record<string, unknown>> | null {
    return this.#lastPage;
  }

  /** Call at the end of the input: a file cut off inside a record is an error, not a silent stop. Returns the number of records. */
  end(): number {
    if (this.#state !== TOP) {
      const inRecord = this.#state === IN_RECORD && !this.#inPageTail;
      throw malformed(this.place(), `the JSON ends in the middle of ${inRecord ? `record ${this.#count + 1}` : 'a page or an array of records'} (truncated file?)`);
    }
    return this.#count;
  }

  #unexpected(state: number, chunk: string, i: number): string {
    const found = sample(chunk, i);
    if (state === TOP) return `expected a record (a JSON object), a Graph page or an array of records; found ${found}`;
    if (state === ARRAY_ELEMENT_DONE) return `expected "," or "]" after record ${this.#count}; found ${found}`;
    if (state === ARRAY_COMMA && chunk[i] === ']') return `a comma before "]" (after record ${this.#count})`;
    return `record ${this.#count + 1} is not a JSON object: it begins ${found}`;
  }

  #beginRecord(i: number, start: TextPlace, topLevel: boolean): void {
    this.#segmentStart = i;
    this.#parts = [];
    this.#partsLength = 0;
    this.#start = start;
    this.#open[1] = OBJECT;
    this.#fromArray = !topLevel;
    this.#topLevel = topLevel;
    this.#keyExpected = true;
    this.#valueKeyPending = false;
  }

  #beginString(i: number, line: number, column: number, depth: number): void {
    this.#stringStart = i + 1;
    this.#stringCarried = 0;
    this.#stringLine = line;
    this.#stringColumn = column;
    this.#keyStart = -1;
    if (!this.#topLevel || depth !== 1) return;
    if (this.#keyExpected) {
      this.#keyExpected = false;
      this.#keyStart = i + 1;
      this.#keyText = '';
    } else this.#valueKeyPending = false;
  }

  #endString(chunk: string, i: number): void {
    if (this.#stringCarried + i - this.#stringStart > this.#limits.field) throw malformed({ line: this.#stringLine, column: this.#stringColumn }, `a string longer than ${characters(this.#limits.field)} begins here`);
    if (this.#keyStart < 0) return;
    let key = this.#keyText + chunk.slice(this.#keyStart, i);
    this.#keyStart = -1;
    if (key.length > 64) return;
    if (key.includes('\\')) {
      try {
        key = JSON.parse(`"${key}"`) as string;
      } catch {
        return; // the record's own parse names the fault
      }
    }
    if (key !== 'value') return;
    // A second "value" would be dropped by any JSON reader, and with it its records: refuse it.
    if (this.#inPageTail) throw malformed({ line: this.#stringLine, column: this.#stringColumn }, 'this page has a second "value"');
    this.#valueKeyPending = true;
  }

  #text(chunk: string, end: number): string {
    const tail = chunk.slice(this.#segmentStart, end);
    const text = this.#parts.length ? this.#parts.join('') + tail : tail;
    this.#parts = [];
    this.#partsLength = 0;
    if (text.length > this.#limits.record) throw malformed(this.#start, `record ${this.#count + 1}, which begins here, is longer than ${characters(this.#limits.record)}`);
    return text;
  }

  /** A "value" array opens: what came before it is the page's own members, checked now. */
  #beginPage(chunk: string, i: number): void {
    this.#page = parseJsonAt(this.#text(chunk, i), this.#start, 'this Graph page', '', '[]}') as Record<string, unknown>;
    this.#lastPage = this.#page;
    this.#pageArray = true;
    this.#valueKeyPending = false;
  }

  #endRecord(chunk: string, i: number): number {
    const text = this.#text(chunk, i + 1);
    if (this.#inPageTail) {
      const rest = parseJsonAt(text, this.#start, 'the end of this Graph page', '{"value":[]') as Record<string, unknown>;
      this.#lastPage = { ...this.#page, ...rest };
      this.#inPageTail = false;
      this.#page = null;
      if (!Array.isArray(rest.value) || rest.value.length > 0) throw malformed(this.#start, 'this page has a second "value"');
      return TOP;
    }
    const place: JsonRecordPlace = { line: this.#start.line, column: this.#start.column, index: this.#count, page: this.#fromArray ? this.#page : null };
    const value = parseJsonAt(text, this.#start, `record ${this.#count + 1}`);
    this.#count += 1;
    this.onRecord(value, place);
    return this.#fromArray ? ARRAY_ELEMENT_DONE : TOP;
  }
}
