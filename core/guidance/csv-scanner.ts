import { SCAN_LIMITS, characters, malformed, placeAt, sample, type ScanLimits, type TextPlace } from './scan-limits';

const QUOTE = 34;
const LINE_FEED = 10;

// What the CSV scanner is in.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside a quoted field: doubled, or the field's end
const CARRIAGE_RETURN = 4;

/**
 * RFC 4180 CSV, streamed and strict: quoted fields may hold commas, doubled quotes and line
 * breaks; a quote anywhere else, a carriage return without its line feed, or a row with more or
 * fewer fields than the header is an error at its line and column. Blank lines are passed over.
 */
export class CsvScanner {
  readonly #limits: ScanLimits;
  #state = FIELD_START;
  #row: string[] = [];
  #rowLength = 0;
  #rowLine = 1;
  #parts: string[] = [];
  #partsLength = 0;
  #segmentStart = 0;
  #fieldQuoted = false;
  #fieldLine = 1;
  #fieldColumn = 1;
  #line = 1;
  #lineStart = 0;
  #width = -1;
  #rows = 0;

  constructor(
    private readonly onRow: (fields: string[], line: number) => void,
    limits: ScanLimits = SCAN_LIMITS,
  ) {
    this.#limits = limits;
  }

  /** Where the next character will be. */
  place(): TextPlace {
    return { line: this.#line, column: 1 - this.#lineStart };
  }

  push(chunk: string): void {
    const n = chunk.length;
    if (n === 0) return;
    let state = this.#state;
    let line = this.#line;
    let lineStart = this.#lineStart;
    for (let i = 0; i < n; i += 1) {
      if (state === QUOTED) {
        // Straight to the next quote, counting the line breaks the field holds.
        const quote = chunk.indexOf('"', i);
        const end = quote < 0 ? n : quote;
        for (let br = chunk.indexOf('\n', i); br >= 0 && br < end; br = chunk.indexOf('\n', br + 1)) {
          line += 1;
          lineStart = br + 1;
        }
        if (quote < 0) break;
        this.#addPart(chunk.slice(this.#segmentStart, quote));
        state = QUOTE_IN_QUOTED;
        i = quote;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (state === UNQUOTED) {
        if (c !== 44 && c !== LINE_FEED && c !== 13) {
          if (c === QUOTE) throw malformed(placeAt(line, lineStart, i), 'a quote inside a field that does not begin with one');
          continue;
        }
        this.#addPart(chunk.slice(this.#segmentStart, i));
      } else if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          // A doubled quote: one quote of content, and the field goes on.
          this.#segmentStart = i;
          state = QUOTED;
          continue;
        }
        if (c !== 44 && c !== LINE_FEED && c !== 13) throw malformed(placeAt(line, lineStart, i), `after a quoted field comes ${sample(chunk, i)}; a comma or the end of the line belongs there (a quote inside a field is written twice: "")`);
      } else if (state === CARRIAGE_RETURN) {
        if (c !== LINE_FEED) throw malformed(placeAt(line, lineStart, i), 'a carriage return without a line feed after it');
        this.#endRow(placeAt(line, lineStart, i));
        line += 1;
        lineStart = i + 1;
        this.#rowLine = line;
        state = FIELD_START;
        continue;
      } else if (c === QUOTE || (c !== 44 && c !== LINE_FEED && c !== 13)) {
        // FIELD_START
        this.#parts = [];
        this.#partsLength = 0;
        this.#fieldQuoted = c === QUOTE;
        this.#fieldLine = line;
        this.#fieldColumn = i - lineStart + 1;
        this.#segmentStart = c === QUOTE ? i + 1 : i;
        state = c === QUOTE ? QUOTED : UNQUOTED;
        continue;
      } else {
        this.#parts = [];
        this.#partsLength = 0;
        this.#fieldQuoted = false;
        this.#fieldLine = line;
        this.#fieldColumn = i - lineStart + 1;
      }
      // A field ends at c: a comma, a line feed, or a carriage return.
      this.#endField(c === 44, line, i - lineStart + 2);
      if (c === 44) state = FIELD_START;
      else if (c === 13) state = CARRIAGE_RETURN;
      else {
        this.#endRow(placeAt(line, lineStart, i));
        line += 1;
        lineStart = i + 1;
        this.#rowLine = line;
        state = FIELD_START;
      }
    }
    if (state === UNQUOTED || state === QUOTED) {
      this.#addPart(chunk.slice(this.#segmentStart));
      this.#segmentStart = 0;
      if (this.#partsLength > this.#limits.field) {
        throw malformed(this.#fieldPlace(), state === QUOTED ? `the quoted field that opens here runs past ${characters(this.#limits.field)} (an unclosed quote?)` : `a field longer than ${characters(this.#limits.field)} begins here`);
      }
      if (this.#rowLength + this.#partsLength > this.#limits.record) throw malformed({ line: this.#rowLine, column: 1 }, `a row longer than ${characters(this.#limits.record)} begins here`);
    }
    this.#state = state;
    this.#line = line;
    this.#lineStart = lineStart - n;
  }

  /** Call at the end of the input; returns the number of rows, the header included. */
  end(): number {
    const state = this.#state;
    if (state === QUOTED) throw malformed(this.#fieldPlace(), 'the CSV ends inside the quoted field that opens here (truncated file, or an unclosed quote?)');
    if (state === UNQUOTED || state === QUOTE_IN_QUOTED) this.#endField(false, 0, 0);
    else if (state === FIELD_START && this.#row.length > 0) {
      this.#parts = [];
      this.#partsLength = 0;
      this.#fieldQuoted = false;
      this.#endField(false, 0, 0);
    }
    if (this.#row.length > 0) this.#endRow(this.place());
    this.#state = FIELD_START;
    return this.#rows;
  }

  #addPart(text: string): void {
    this.#parts.push(text);
    this.#partsLength += text.length;
  }

  #fieldPlace(): TextPlace {
    return { line: this.#fieldLine, column: this.#fieldColumn };
  }

  /** The field read so far is whole; `beforeAnother` when a comma follows it, and the next field starts at `line`, `column`. */
  #endField(beforeAnother: boolean, line: number, column: number): void {
    const value = this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
    if (value.length > this.#limits.field) throw malformed(this.#fieldPlace(), `a field longer than ${characters(this.#limits.field)} begins here`);
    this.#row.push(value);
    this.#rowLength += value.length + 1;
    if (this.#rowLength > this.#limits.record) throw malformed({ line: this.#rowLine, column: 1 }, `a row longer than ${characters(this.#limits.record)} begins here`);
    if (beforeAnother && this.#width >= 0 && this.#row.length >= this.#width) throw malformed({ line, column }, `a field too many: the header has ${this.#width} columns`);
  }

  #endRow(end: TextPlace): void {
    const row = this.#row;
    this.#row = [];
    this.#rowLength = 0;
    if (row.length === 1 && row[0] === '' && !this.#fieldQuoted) return; // a blank line
    if (this.#width < 0) this.#width = row.length;
    else if (row.length !== this.#width) throw malformed(end, `the row ends after ${row.length} field${row.length === 1 ? '' : 's'}; the header has ${this.#width} columns`);
    this.#rows += 1;
    this.onRow(row, this.#rowLine);
  }
}
