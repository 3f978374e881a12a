/**
 * Streaming scanners for sign-in exports, fed chunk by chunk, so a file of any size passes
 * through without being held whole. Pure: text in, records out.
 */

/**
 * Finds the sign-in objects in Graph JSON: a `{ "value": [...] }` page or several in a row, a
 * JSON array of records, or JSON Lines. Only one record is ever buffered; a page is never held.
 */
export class JsonRecordScanner {
  #inString = false;
  #escape = false;
  #buffer: string[] = [];
  #capturing = false;
  #captureDepth = 0;
  /** What the container at each depth is. */
  readonly #stack: ('object' | 'array' | 'page' | 'value-array')[] = [];
  #lastString = '';
  #stringStart = -1;
  #stringText = '';
  #count = 0;
  #position = 0;

  constructor(private readonly onRecord: (json: string, index: number) => void) {}

  push(chunk: string): void {
    let segmentStart = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const ch = chunk[i]!;
      this.#position += 1;
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (ch === '\\') this.#escape = true;
        else if (ch === '"') {
          this.#inString = false;
          if (this.#stringStart >= 0) this.#lastString = this.#stringText + chunk.slice(this.#stringStart, i);
          this.#stringStart = -1;
        }
        continue;
      }
      if (ch === '"') {
        this.#inString = true;
        // Only keys of a top-level object are remembered (to find "value"), and only when short.
        this.#stringStart = this.#stack.length === 1 ? i + 1 : -1;
        this.#stringText = '';
        continue;
      }
      if (ch === '{' || ch === '[') {
        const parent = this.#stack.at(-1);
        let kind: 'object' | 'array' | 'page' | 'value-array' = ch === '{' ? 'object' : 'array';
        if (ch === '[' && parent === 'object' && this.#stack.length === 1 && this.#lastString === 'value') {
          // A Graph page: forget what was buffered of it and take its elements one by one.
          kind = 'value-array';
          this.#stack[0] = 'page';
          this.#capturing = false;
          this.#buffer = [];
        }
        const recordHere = ch === '{' && (parent === undefined || parent === 'value-array' || (parent === 'array' && this.#stack.length === 1));
        if (recordHere && !this.#capturing) {
          this.#capturing = true;
          this.#captureDepth = this.#stack.length;
          segmentStart = i;
          this.#buffer = [];
        }
        this.#stack.push(kind);
        continue;
      }
      if (ch === '}' || ch === ']') {
        const closed = this.#stack.pop();
        if (closed === undefined) throw new Error(`unexpected "${ch}" at character ${this.#position}`);
        if (this.#capturing && this.#stack.length === this.#captureDepth && closed === 'object') {
          this.#buffer.push(chunk.slice(segmentStart, i + 1));
          this.#capturing = false;
          this.onRecord(this.#buffer.join(''), this.#count);
          this.#count += 1;
          this.#buffer = [];
        }
        if (this.#stack.length === 0) this.#lastString = '';
      }
    }
    if (this.#capturing) {
      this.#buffer.push(chunk.slice(segmentStart));
      if (this.#buffer.reduce((n, part) => n + part.length, 0) > 1 << 20) throw new Error(`record ${this.#count + 1} is larger than 1 MiB`);
    }
    if (this.#inString && this.#stringStart >= 0) {
      this.#stringText += chunk.slice(this.#stringStart);
      this.#stringStart = 0;
    }
  }

  /** Call at the end of the input: a file cut off inside a record is an error, not a silent stop. */
  end(): number {
    if (this.#inString || this.#stack.length > 0) throw new Error(`the JSON ends in the middle of record ${this.#count + 1} (truncated file?)`);
    return this.#count;
  }
}

/** RFC 4180 CSV, streamed: quoted fields may hold commas, quotes ("") and line breaks. */
export class CsvScanner {
  #field = '';
  #row: string[] = [];
  #inQuotes = false;
  #quotePending = false;
  #line = 1;
  #rowLine = 1;

  constructor(private readonly onRow: (fields: string[], line: number) => void) {}

  push(chunk: string): void {
    for (const ch of chunk) {
      if (this.#inQuotes) {
        if (this.#quotePending) {
          this.#quotePending = false;
          if (ch === '"') {
            this.#field += '"';
            continue;
          }
          this.#inQuotes = false;
        } else if (ch === '"') {
          this.#quotePending = true;
          continue;
        } else {
          if (ch === '\n') this.#line += 1;
          this.#field += ch;
          continue;
        }
      }
      if (ch === '"' && this.#field === '') this.#inQuotes = true;
      else if (ch === ',') {
        this.#row.push(this.#field);
        this.#field = '';
      } else if (ch === '\n') {
        this.#finishRow();
        this.#line += 1;
        this.#rowLine = this.#line;
      } else if (ch !== '\r') this.#field += ch;
    }
  }

  #finishRow(): void {
    this.#row.push(this.#field);
    const row = this.#row;
    this.#row = [];
    this.#field = '';
    if (row.length === 1 && row[0] === '') return; // blank line
    this.onRow(row, this.#rowLine);
  }

  end(): void {
    if (this.#inQuotes && !this.#quotePending) throw new Error(`the CSV ends inside a quoted field that starts on line ${this.#rowLine} (truncated file?)`);
    if (this.#inQuotes) this.#inQuotes = false;
    if (this.#field !== '' || this.#row.length > 0) this.#finishRow();
  }
}
