import type { Emphasis } from '../../core/reports/report';
import type { SetText } from './pdf-text';

/** A row as measuring found it: its height, and the cells set otherwise than as one line at the table's size, and those that stand out. */
export interface MeasuredCells {
  readonly height: number;
  readonly set: readonly (SetText | undefined)[] | null;
  readonly emphasis: readonly (Emphasis | null)[] | null;
}

const EMPHASIS: readonly Emphasis[] = ['alert', 'caution'];

/**
 * What measuring found for every row of a table, kept for the drawing walk as numbers in a few
 * growing arrays rather than objects per row (a long report has a hundred thousand rows): each
 * row's height and, for a row that is not plain single lines, its entries in `#entries`. A wrapped
 * cell is kept as its size and where each line starts and ends in the cell's text (its lines are
 * pieces of the text in order, the separators at the breaks left out), so no text is held: the
 * drawing walk reads the rows again. Entries: for a cell that stands out, -1 - column and 1 (alert)
 * or 2 (caution); for a set cell, column, size, line count and each line's start and end.
 */
export class RowLayouts {
  #heights = new Float64Array(1024);
  /** Where each row's entries start in `#entries` (their count first), or -1 for a plain row. */
  #starts = new Int32Array(1024);
  #entries = new Float64Array(4096);
  #rows = 0;
  #used = 0;
  /** A cell whose lines are not pieces of its text in order (none are known): kept whole, by row and column. */
  readonly #whole = new Map<string, SetText>();

  get length(): number {
    return this.#rows;
  }

  height(row: number): number {
    return this.#heights[row]!;
  }

  add(texts: readonly string[], measured: MeasuredCells): void {
    if (this.#rows === this.#heights.length) {
      this.#heights = grown(this.#heights);
      this.#starts = grown(this.#starts);
    }
    const row = this.#rows++;
    this.#heights[row] = measured.height;
    const entries: number[] = [];
    measured.emphasis?.forEach((emphasis, column) => {
      if (emphasis) entries.push(-1 - column, EMPHASIS.indexOf(emphasis) + 1);
    });
    measured.set?.forEach((set, column) => {
      const offsets = set && lineOffsets(texts[column]!, set.lines);
      if (offsets) entries.push(column, set.size, set.lines.length, ...offsets);
      else if (set) this.#whole.set(`${row}:${column}`, set);
    });
    if (entries.length === 0) {
      this.#starts[row] = -1;
      return;
    }
    while (this.#used + entries.length + 1 > this.#entries.length) this.#entries = grown(this.#entries);
    this.#starts[row] = this.#used;
    this.#entries[this.#used++] = entries.length;
    this.#entries.set(entries, this.#used);
    this.#used += entries.length;
  }

  /** The row as measured, given its text again. */
  cells(row: number, texts: readonly string[]): MeasuredCells {
    const height = this.#heights[row]!;
    const start = this.#starts[row]!;
    if (start < 0 && this.#whole.size === 0) return { height, set: null, emphasis: null };
    let set: (SetText | undefined)[] | null = null;
    let emphasis: (Emphasis | null)[] | null = null;
    const end = start < 0 ? start : start + 1 + this.#entries[start]!;
    for (let k = start + 1; k < end; ) {
      const column = this.#entries[k]!;
      if (column < 0) {
        (emphasis ??= texts.map(() => null))[-1 - column] = EMPHASIS[this.#entries[k + 1]! - 1]!;
        k += 2;
        continue;
      }
      const size = this.#entries[k + 1]!;
      const lines: string[] = [];
      for (let line = 0; line < this.#entries[k + 2]!; line += 1) lines.push(texts[column]!.slice(this.#entries[k + 3 + 2 * line], this.#entries[k + 4 + 2 * line]));
      // The painter draws the lines at the size; a cell's own height is not needed once the row's is known.
      (set ??= [])[column] = { lines, size, height: 0 };
      k += 3 + 2 * lines.length;
    }
    if (this.#whole.size) {
      texts.forEach((_text, column) => {
        const whole = this.#whole.get(`${row}:${column}`);
        if (whole) (set ??= [])[column] = whole;
      });
    }
    return { height, set, emphasis };
  }
}

function grown<T extends Float64Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** Where each line starts and ends in the text, or null when the lines are not its pieces in order. */
function lineOffsets(text: string, lines: readonly string[]): number[] | null {
  const offsets: number[] = [];
  let at = 0;
  for (const line of lines) {
    const start = text.indexOf(line, at);
    if (start < 0 || text.slice(at, start).trim() !== '') return null;
    offsets.push(start, start + line.length);
    at = start + line.length;
  }
  return offsets;
}
