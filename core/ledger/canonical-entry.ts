/**
 * Proves in one pass, without parsing into objects or re-encoding, that a stored entry body is
 * exactly the canonical encoding of an entry (see canonicalJson and entryBody): no whitespace,
 * object keys in strictly increasing UTF-16 order at every depth (so no duplicate key), strings
 * escaped as JSON.stringify escapes them and free of lone surrogates, numbers as safe integers
 * in their shortest form, and at the top level exactly the fields of an entry. A body that passes
 * has one reading only: JSON.parse, SQLite's json_extract and the fixed-offset reads of the
 * verifier all see the same fields. Verification runs this on every entry, so it allocates
 * nothing on the way and records where the top-level `kind` and `approvals` sit.
 */
export class CanonicalEntryScan {
  /** What is wrong with the last body scanned, or undefined when it is canonical. */
  problem: string | undefined;
  /** The `kind` value, without quotes (canonical kinds need no escapes). */
  kind = '';
  /** Where `,"approvals":[…]` starts and ends in the body, or -1 when the entry has none. */
  approvalsStart = -1;
  approvalsEnd = -1;

  private text = '';
  private pos = 0;
  private tailAt = -1;
  private start = 0;

  /**
   * True when `body` is a canonical entry; otherwise `problem` says why. With `tailAt`, the caller
   * has proved the body from there on (its `,"prevHash":…` tail, fixed in form: see chainTailOf)
   * and the scan proves the rest, which must end exactly there. With `start`, the body is the
   * text from there on (a row read with its hash before it), and positions are the text's.
   */
  scan(body: string, tailAt = -1, start = 0): boolean {
    this.text = body;
    this.pos = start;
    this.start = start;
    this.tailAt = tailAt;
    this.problem = undefined;
    this.approvalsStart = -1;
    this.approvalsEnd = -1;
    try {
      this.entry();
      if (this.problem === undefined && tailAt < 0 && this.pos !== body.length) this.fail('text follows the end of the entry');
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.fail('it is nested too deeply');
    }
    this.text = '';
    return this.problem === undefined;
  }

  private fail(problem: string): false {
    this.problem ??= `${problem} (at character ${this.pos - this.start + 1})`;
    return false;
  }

  private entry(): void {
    const text = this.text;
    if (text.charCodeAt(this.start) !== 123) return void this.fail('it is not a JSON object');
    this.pos = this.start + 1;
    let field = 0;
    for (;;) {
      const name = ENTRY_FIELDS[field];
      if (name === undefined) return void this.fail('it has fields an entry does not have');
      const memberStart = this.pos - 1;
      if (name === PREV_HASH && this.tailAt >= 0) {
        if (memberStart !== this.tailAt) this.fail('its payload does not end where its chain fields begin');
        return;
      }
      if (!text.startsWith(name, this.pos)) {
        if (name === APPROVALS) {
          field += 1;
          continue;
        }
        return void this.fail(`the entry's fields are not ${ENTRY_FIELD_LIST}, in that order`);
      }
      this.pos += name.length;
      const valueStart = this.pos;
      if (!this.value(0)) return;
      if (name === KIND) {
        if (text.charCodeAt(valueStart) !== 34) return void this.fail('its kind is not a string');
        // Entries of one kind come in runs: the last kind read is kept when this one is the same.
        const length = this.pos - 1 - (valueStart + 1);
        if (this.kind.length !== length || !text.startsWith(this.kind, valueStart + 1)) this.kind = text.slice(valueStart + 1, this.pos - 1);
      } else if (name === APPROVALS) {
        if (text.charCodeAt(valueStart) !== 91 || text.charCodeAt(valueStart + 1) === 93) return void this.fail('its approvals are not a non-empty list');
        this.approvalsStart = memberStart;
        this.approvalsEnd = this.pos;
      }
      field += 1;
      const c = text.charCodeAt(this.pos);
      this.pos += 1;
      if (c === 125) {
        if (field !== ENTRY_FIELDS.length) return void this.fail(`the entry's fields are not ${ENTRY_FIELD_LIST}`);
        return;
      }
      if (c !== 44) return void this.fail('expected "," or "}"');
    }
  }

  private value(depth: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === 34) return this.string();
    if (c === 123) return this.object(depth + 1);
    if (c === 91) return this.array(depth + 1);
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (text.startsWith('true', this.pos)) this.pos += 4;
    else if (text.startsWith('false', this.pos)) this.pos += 5;
    else if (text.startsWith('null', this.pos)) this.pos += 4;
    else return this.fail('expected a value');
    return true;
  }

  private object(depth: number): boolean {
    const text = this.text;
    this.pos += 1;
    if (text.charCodeAt(this.pos) === 125) {
      this.pos += 1;
      return true;
    }
    let previousStart = -1;
    let previousEnd = -1;
    for (;;) {
      const keyStart = this.pos;
      if (text.charCodeAt(keyStart) !== 34) return this.fail('expected a key');
      if (!this.string()) return false;
      if (previousStart >= 0 && !this.keyFollows(previousStart, previousEnd, keyStart, this.pos)) return this.fail('object keys are not in canonical order (or a key is repeated)');
      previousStart = keyStart;
      previousEnd = this.pos;
      if (text.charCodeAt(this.pos) !== 58) return this.fail('expected ":"');
      this.pos += 1;
      if (!this.value(depth)) return false;
      const c = text.charCodeAt(this.pos);
      this.pos += 1;
      if (c === 125) return true;
      if (c !== 44) return this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): boolean {
    const text = this.text;
    this.pos += 1;
    if (text.charCodeAt(this.pos) === 93) {
      this.pos += 1;
      return true;
    }
    for (;;) {
      if (!this.value(depth)) return false;
      const c = text.charCodeAt(this.pos);
      this.pos += 1;
      if (c === 93) return true;
      if (c !== 44) return this.fail('expected "," or "]"');
    }
  }

  /** Whether the key in [b, bEnd) sorts strictly after the key in [a, aEnd), both quoted; compared in place. */
  private keyFollows(a: number, aEnd: number, b: number, bEnd: number): boolean {
    const text = this.text;
    for (let i = a + 1, j = b + 1; ; i += 1, j += 1) {
      const x = i < aEnd - 1 ? text.charCodeAt(i) : -1;
      const y = j < bEnd - 1 ? text.charCodeAt(j) : -1;
      // Up to the first escape, the written characters are the key's own.
      if (x === 92 || y === 92) return (JSON.parse(text.slice(a, aEnd)) as string) < (JSON.parse(text.slice(b, bEnd)) as string);
      if (x !== y) return x < y;
      if (x === -1) return false;
    }
  }

  private string(): boolean {
    const text = this.text;
    let pos = this.pos + 1;
    for (;;) {
      const c = text.charCodeAt(pos);
      pos += 1;
      if (c === 34) break;
      if (c >= 32 && c !== 92 && (c & 0xf800) !== 0xd800) continue;
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = text.charCodeAt(pos);
        if (next >= 0xdc00 && next <= 0xdfff) {
          pos += 1;
          continue;
        }
      }
      this.pos = pos - 1;
      if (c === 92) {
        const escape = text.charCodeAt(pos);
        if (escape === 34 || escape === 92 || escape === 98 || escape === 102 || escape === 110 || escape === 114 || escape === 116) {
          pos += 1;
          continue;
        }
        if (escape === 117 && CONTROL_ESCAPE.test(text.slice(pos + 1, pos + 5))) {
          pos += 5;
          continue;
        }
        return this.fail('a string holds an escape that canonical JSON does not write');
      }
      if (Number.isNaN(c)) return this.fail('a string is not closed');
      if (c < 32) return this.fail('a string holds an unescaped control character');
      return this.fail('a string holds a lone surrogate');
    }
    this.pos = pos;
    return true;
  }

  private number(): boolean {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === 45) pos += 1;
    const first = pos;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      pos += 1;
    }
    const digits = pos - first;
    this.pos = pos;
    if (digits === 0) return this.fail('a number has no digits');
    if (digits > 1 && text.charCodeAt(first) === 48) return this.fail('a number has a leading zero');
    const c = text.charCodeAt(pos);
    if (c === 46 || c === 101 || c === 69) return this.fail('a number is not a whole number in its shortest form');
    if (first !== start && digits === 1 && text.charCodeAt(first) === 48) return this.fail('negative zero is written as 0');
    if (digits > 15 && !Number.isSafeInteger(Number(text.slice(start, pos)))) return this.fail('a number is not a safe integer');
    return true;
  }
}

/** \u00XX for the control characters JSON.stringify writes that way: lower-case hex, and not b, f, n, r, t. */
const CONTROL_ESCAPE = /^00(?:0[0-7]|0b|0e|0f|1[0-9a-f])$/;

const APPROVALS = '"approvals":';
const KIND = '"kind":';
/** An entry's fields in canonical order, each with its quotes and colon; approvals may be absent. */
const PREV_HASH = '"prevHash":';
const ENTRY_FIELDS = ['"actors":', APPROVALS, KIND, '"payload":', PREV_HASH, '"recordedAt":', '"seq":', '"utcOffset":'];
const ENTRY_FIELD_LIST = 'actors, approvals (when approved), kind, payload, prevHash, recordedAt, seq, utcOffset';

/** Where an entry's fixed-form tail sits in its body, and the seq written there. */
export interface ChainTail {
  readonly seq: number;
  /** Where `,"prevHash":` starts: the canonical scan proves the body before it. */
  readonly tailAt: number;
  /** Where the 64 characters of the previous hash start. */
  readonly prevHashAt: number;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * The tail from its `,"prevHash":` to the end, as Keyward writes it; sticky, so that it is matched
 * from where the seq's digits put its start. The 64 characters of the previous hash may be any:
 * the walk compares them with the hash of the entry before.
 */
const CHAIN_TAIL = /,"prevHash":"[\s\S]{64}","recordedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","seq":(?:0|[1-9]\d{0,15}),"utcOffset":"[+-]\d\d:\d\d"\}$/y;

/**
 * Reads an entry's tail at fixed offsets from its end, the way Keyward writes it:
 * `,"prevHash":"<64>","recordedAt":"<timestamp>","seq":<digits>,"utcOffset":"<±HH:MM>"}`.
 * Every character of it is checked here except the 64 of the previous hash, which the chain walk
 * compares with the hash of the entry before (64 lower-case hex digits, so canonical as they are).
 * Undefined when the body does not end that way. With `start`, the body is the text from there on.
 * Verification reads every entry's tail: the seq is read from the end in place, and the rest is
 * one compiled pattern matched where the seq puts it, never a slice.
 */
export function chainTailOf(body: string, start = 0): ChainTail | undefined {
  const end = body.length;
  let digits = end - 22;
  let seq = 0;
  let scale = 1;
  while (digits > end - 22 - 16 && isDigit(body.charCodeAt(digits - 1))) {
    digits -= 1;
    seq += (body.charCodeAt(digits) - 48) * scale;
    scale *= 10;
  }
  if (digits < start + 126) return undefined;
  CHAIN_TAIL.lastIndex = digits - 125;
  if (!CHAIN_TAIL.test(body)) return undefined;
  return { seq, tailAt: digits - 125, prevHashAt: digits - 112 };
}
