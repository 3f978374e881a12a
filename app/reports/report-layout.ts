import { eachRow, emphasisOf, localTime, rowCount, type Emphasis, type ReportTable, type StreamedReport, type TableRows } from '../../core/reports/report';
import type { FontName, SetText, TextMeasure } from './pdf-text';
import { RowLayouts, type MeasuredCells } from './row-layouts';

/**
 * The report measured once, then paginated by one walk that both passes share: the first walk
 * only counts the pages (for "page N of M"), the second draws them as it goes, so no page has
 * to be kept in memory for its footer and the two can never disagree on where a page breaks.
 * A table keeps only what its rows measured to (each row's height, and the few cells that wrap,
 * shrink or stand out); the drawing walk reads the rows' text again from their source.
 */

export interface PageGeometry {
  readonly width: number;
  readonly height: number;
  readonly margin: number;
  /** Room kept at the foot of each page for the footer and its QR code. */
  readonly footer: number;
}

export const PAD = 3;
export const CELL_SIZE = 8;
export const LINE_SIZE = 9;
const HEADING_SIZE = 12;
const HEADING_BEFORE = 7;
const HEADING_AFTER = 3;
export const SIGNATURE_HEIGHT = 70;
export const VERIFY_HEIGHT = 130;
/** The heading over the signatures and over how to verify, with the space around it. */
export const BLOCK_HEADING = HEADING_BEFORE + 20;

/** A cell as laid out: a bare string is one line at the table's size, the common case kept small. */
export type SetCell = string | SetText;
export interface MeasuredRow {
  readonly cells: readonly SetCell[];
  readonly height: number;
  /** Whether the row carries a word that must stand out (ANOMALY, OVERDUE, NOT MET, an incident). */
  readonly emphasis: readonly (Emphasis | null)[] | null;
}

export interface MeasuredTable {
  readonly source: ReportTable<TableRows>;
  readonly widths: readonly number[];
  readonly header: MeasuredRow;
  /** Each row's height (all that counting the pages needs) and what drawing needs besides the row's own text. */
  readonly rows: RowLayouts;
}

export interface MeasuredLine {
  readonly set: SetText;
  readonly font: FontName;
  readonly emphasis: Emphasis | null;
}

export interface MeasuredSection {
  readonly title: string;
  readonly heading: SetText;
  readonly lines: readonly MeasuredLine[];
  readonly table: MeasuredTable | null;
  /** Said instead of an empty table. */
  readonly empty: MeasuredLine | null;
}

export interface MeasuredReport {
  readonly geometry: PageGeometry;
  readonly title: SetText;
  readonly facts: readonly { readonly label: string; readonly value: SetText; readonly mono: boolean }[];
  readonly sections: readonly MeasuredSection[];
  readonly verifyText: SetText;
  readonly signers: number;
  readonly rowCount: number;
}

const contentWidth = (g: PageGeometry) => g.width - 2 * g.margin;

function measureLine(measure: TextMeasure, text: string, width: number, font: FontName = 'regular', size = LINE_SIZE): MeasuredLine {
  const emphasis = emphasisOf(text);
  return { set: measure.set(text, emphasis ? 'bold' : font, size, width), font: emphasis ? 'bold' : font, emphasis };
}

export const cellFont = (table: ReportTable<TableRows>, column: number, header: boolean, emphasis: Emphasis | null): FontName =>
  header || (emphasis && !table.columns[column]!.mono) ? 'bold' : table.columns[column]!.mono ? 'mono' : 'regular';

function measureRow(measure: TextMeasure, table: ReportTable<TableRows>, widths: readonly number[], cells: readonly string[], header: boolean): MeasuredCells {
  let height = 0;
  let set: SetText[] | null = null;
  let emphasis: (Emphasis | null)[] | null = null;
  for (let i = 0; i < cells.length; i += 1) {
    const text = cells[i]!;
    const stress = header ? null : emphasisOf(text);
    if (stress) (emphasis ??= cells.map(() => null))[i] = stress;
    const s = measure.set(text, cellFont(table, i, header, stress), CELL_SIZE, widths[i]! - 2 * PAD, table.columns[i]!.mono === true && !header);
    height = Math.max(height, s.height);
    if (s.lines.length !== 1 || s.size !== CELL_SIZE || s.lines[0] !== text) (set ??= [])[i] = s;
  }
  return { height: height + 2 * PAD, set, emphasis };
}

/** A row as drawn: its text with what measuring found. */
const rowOf = (cells: readonly string[], m: MeasuredCells): MeasuredRow => ({ cells: m.set ? cells.map((text, i) => m.set![i] ?? text) : cells, height: m.height, emphasis: m.emphasis });

/** The table's rows as drawn, read again from their source; a source that yields other rows than were measured is an error, never a wrong page. */
export function* drawnRows(table: MeasuredTable): Generator<MeasuredRow, void, undefined> {
  const changed = (what: string) => new Error(`a table of the report yielded ${what} rows to write than were measured (${table.rows.length})`);
  let i = 0;
  for (const cells of eachRow(table.source.rows)) {
    if (i === table.rows.length) throw changed('more');
    yield rowOf(cells, table.rows.cells(i, cells));
    i += 1;
  }
  if (i < table.rows.length) throw changed('fewer');
}

/** Measures every line and every table row of the report, once; `progress` hears of each thousand rows. */
export function measureReport(report: StreamedReport, measure: TextMeasure, geometry: PageGeometry, verifyText: string, progress?: (rows: number, of: number) => void): MeasuredReport {
  const width = contentWidth(geometry);
  const expected = report.sections.reduce((n, s) => n + (s.table ? rowCount(s.table.rows) : 0), 0);
  let done = 0;
  const sections = report.sections.map((section): MeasuredSection => {
    const heading = measure.set(section.title, 'bold', HEADING_SIZE, width);
    const lines = (section.lines ?? []).map((line) => measureLine(measure, line, width));
    const t = section.table;
    if (!t) return { title: section.title, heading, lines, table: null, empty: null };
    const widths = t.columns.map((c) => c.width * width);
    const rows = new RowLayouts();
    for (const row of eachRow(t.rows)) {
      rows.add(row, measureRow(measure, t, widths, row, false));
      done += 1;
      if (done % 1000 === 0) progress?.(done, expected);
    }
    const headers = t.columns.map((c) => c.header);
    return {
      title: section.title,
      heading,
      lines,
      table: rows.length ? { source: t, widths, header: rowOf(headers, measureRow(measure, t, widths, headers, true)), rows } : null,
      empty: rows.length ? null : measureLine(measure, t.empty, width),
    };
  });
  progress?.(done, expected);
  return {
    geometry,
    title: measure.set('Custody report — emergency access credentials', 'bold', 18, width),
    facts: factsOf(report).map(([label, value]) => ({ label, value: measure.set(`${label}: ${value}`, label === 'Ledger head' ? 'mono' : 'regular', 10, width, label === 'Ledger head'), mono: label === 'Ledger head' })),
    sections,
    verifyText: measure.set(verifyText, 'regular', LINE_SIZE, width - 135),
    signers: Math.max(2, report.signatories.length),
    rowCount: done,
  };
}

export function factsOf(report: StreamedReport): [string, string][] {
  return [
    ['Organisation', report.organisation],
    ['Site', report.site],
    ['Period', `${localTime(report.from, report.utcOffset)} to ${localTime(report.to, report.utcOffset)}`],
    ['Generated', localTime(report.generatedAt, report.utcOffset)],
    ['Report id', report.id],
    ['Ledger head', `entry ${report.headSeq}, ${report.headHash}`],
  ];
}

/** Where drawing happens: absent in the counting walk. Each call is given the top of what it draws. */
export interface Painter {
  page(number: number): void;
  title(set: SetText, y: number): void;
  fact(label: string, value: SetText, mono: boolean, y: number): void;
  sectionStart(section: MeasuredSection): void;
  heading(section: MeasuredSection, y: number): void;
  line(line: MeasuredLine, y: number): void;
  tableStart(table: MeasuredTable): void;
  /** A header repeated at the top of a page is drawn as a pagination artifact: read once, not on every page. */
  row(table: MeasuredTable, row: MeasuredRow, header: boolean, y: number, repeated?: boolean): void;
  tableEnd(): void;
  sectionEnd(): void;
  signatures(y: number): void;
  verify(text: SetText, y: number): void;
}

/** The cursor of one walk: which page, how far down, how many rows placed. */
export class Flow {
  page = 1;
  y: number;
  rows = 0;
  constructor(
    readonly geometry: PageGeometry,
    private readonly painter?: Painter,
  ) {
    this.y = geometry.margin;
  }
  get bottom(): number {
    return this.geometry.height - this.geometry.margin - this.geometry.footer;
  }
  /** Whether `height` more fits on this page; a page that is still empty takes anything. */
  fits(height: number): boolean {
    return this.y + height <= this.bottom || this.y <= this.geometry.margin;
  }
  newPage(): void {
    this.page += 1;
    this.y = this.geometry.margin;
    this.painter?.page(this.page);
  }
}

/** Walks the measured report down the pages; yields at each new page so that a long draw can let other work run. */
export function* layReport(m: MeasuredReport, flow: Flow, painter?: Painter): Generator<number> {
  painter?.page(1);
  painter?.title(m.title, flow.y);
  flow.y += m.title.height + 8;
  for (const fact of m.facts) {
    painter?.fact(fact.label, fact.value, fact.mono, flow.y);
    flow.y += fact.value.height;
  }
  for (const section of m.sections) {
    const first = section.lines[0]?.set.height ?? (section.table ? section.table.header.height + section.table.rows.height(0) : (section.empty?.set.height ?? 0));
    const headingHeight = HEADING_BEFORE + section.heading.height + HEADING_AFTER;
    if (!flow.fits(headingHeight + first)) {
      flow.newPage();
      yield flow.page;
    }
    painter?.sectionStart(section);
    painter?.heading(section, flow.y + HEADING_BEFORE);
    flow.y += headingHeight;
    for (const line of [...section.lines, ...(section.empty ? [section.empty] : [])]) {
      if (!flow.fits(line.set.height)) {
        flow.newPage();
        yield flow.page;
      }
      painter?.line(line, flow.y);
      flow.y += line.set.height;
    }
    const table = section.table;
    if (table) {
      if (section.lines.length) flow.y += 4;
      if (!flow.fits(table.header.height + table.rows.height(0))) {
        flow.newPage();
        yield flow.page;
      }
      painter?.tableStart(table);
      painter?.row(table, table.header, true, flow.y);
      flow.y += table.header.height;
      // Only the drawing walk reads the rows again; counting needs their heights alone.
      const rows = painter ? drawnRows(table) : null;
      for (let i = 0; i < table.rows.length; i += 1) {
        const height = table.rows.height(i);
        if (!flow.fits(height)) {
          flow.newPage();
          painter?.row(table, table.header, true, flow.y, true);
          flow.y += table.header.height;
          yield flow.page;
        }
        if (painter) painter.row(table, rows!.next().value!, false, flow.y);
        flow.y += height;
        flow.rows += 1;
      }
      rows?.next(); // the source must end where the measuring did
      painter?.tableEnd();
    }
    painter?.sectionEnd();
  }
  // Signatures, then how to verify: each kept whole with its heading.
  const signatures = BLOCK_HEADING + m.signers * SIGNATURE_HEIGHT;
  if (!flow.fits(signatures)) {
    flow.newPage();
    yield flow.page;
  }
  painter?.signatures(flow.y);
  flow.y += signatures;
  if (!flow.fits(BLOCK_HEADING + Math.max(VERIFY_HEIGHT, m.verifyText.height))) {
    flow.newPage();
    yield flow.page;
  }
  painter?.verify(m.verifyText, flow.y);
  flow.y += BLOCK_HEADING + Math.max(VERIFY_HEIGHT, m.verifyText.height);
}

