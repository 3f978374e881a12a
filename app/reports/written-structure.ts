import type { Doc } from './pdf-text';

type Structure = ReturnType<Doc['struct']>;

/** The parts of pdfkit's tagging this module reaches into (pdfkit 0.20). */
interface ElementInternals {
  _children: unknown[];
  _flushed: boolean;
  dictionary: { id: number };
}
interface TreeInternals {
  _items: Record<number, unknown>;
}
interface DocInternals {
  page?: { dictionary: { data: { StructParents?: number } } };
  getStructParentTree(): TreeInternals;
}

/**
 * pdfkit keeps every structure element of a tagged PDF until the document ends, though it reads
 * only their object numbers again: each page's marked-content map points at the cells drawn on
 * it, and a table holds each of its rows. At 100,000 rows of seven cells that is most of what a
 * report holds in memory. When a page is finished, both are cut down to those object numbers, as
 * the PDF text pdfkit would write for them; the file is the same, byte for byte.
 */
export class WrittenStructure {
  /** A stand-in pdfkit writes as references to `runs` of object numbers wherever it writes a reference (it is one to pdfkit). */
  readonly #reference: object;
  /** A stand-in for table rows already written: a finished child, written as their references. */
  readonly #rows: object;

  constructor(
    private readonly doc: Doc,
    root: Structure,
  ) {
    const element = root as unknown as ElementInternals;
    const reference = Object.getPrototypeOf(Object.getPrototypeOf(element.dictionary) as object) as object;
    this.#reference = Object.create(reference, {
      toString: { value(this: Written) { return writtenText(this); } },
      // What a parent asks of a finished child's dictionary before writing it.
      data: { value: Object.freeze({ P: true }) },
    }) as object;
    this.#rows = Object.create(Object.getPrototypeOf(root) as object, {
      _attached: { value: true },
      _ended: { value: true },
      _flushed: { value: true },
      _children: { value: Object.freeze([]) },
    }) as object;
  }

  #written(ids: readonly number[], bracketed: boolean): Written {
    const stand = Object.create(this.#reference) as Written;
    stand.runs = runsOf(ids);
    stand.bracketed = bracketed;
    return stand;
  }

  /** Call before a new page is added, and once at the end: compacts what the page now finished holds. */
  pageFinished(table: Structure | null): void {
    const doc = this.doc as unknown as DocInternals;
    const key = doc.page?.dictionary.data.StructParents;
    if (key !== undefined) {
      const tree = doc.getStructParentTree();
      const marked = tree._items[key];
      if (Array.isArray(marked) && marked.every((element) => element)) tree._items[key] = this.#written((marked as { id: number }[]).map((element) => element.id), true);
    }
    if (!table) return;
    const children = (table as unknown as ElementInternals)._children;
    let first = children.length;
    while (first > 0 && isWrittenRow(children[first - 1], this.#rows)) first -= 1;
    if (children.length - first < 2) return;
    const rows = children.splice(first) as ElementInternals[];
    const stand = Object.create(this.#rows) as { dictionary: object };
    stand.dictionary = this.#written(rows.map((row) => row.dictionary.id), false);
    children.push(stand);
  }
}

/** A row pdfkit has written, not yet compacted. */
const isWrittenRow = (child: unknown, stand: object): boolean => typeof child === 'object' && child !== null && Object.getPrototypeOf(child) !== stand && (child as ElementInternals)._flushed === true;

/** Object numbers as runs of consecutive numbers (start, length): a page's cells are numbered in runs of seven. */
interface Written {
  runs: readonly number[];
  /** Written as an array of its own (a page's marked content) rather than among its parent's children. */
  bracketed: boolean;
}

function runsOf(ids: readonly number[]): number[] {
  const runs: number[] = [];
  for (const id of ids) {
    if (runs.length && runs[runs.length - 2]! + runs[runs.length - 1]! === id) runs[runs.length - 1]! += 1;
    else runs.push(id, 1);
  }
  return runs;
}

function writtenText({ runs, bracketed }: Written): string {
  const refs: string[] = [];
  for (let i = 0; i < runs.length; i += 2) for (let id = runs[i]!; id < runs[i]! + runs[i + 1]!; id += 1) refs.push(`${id} 0 R`);
  return bracketed ? `[${refs.join(' ')}]` : refs.join(' ');
}
