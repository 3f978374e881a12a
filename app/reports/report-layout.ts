import { emphasisOf, localTime, type CustodyReport, type Emphasis, type ReportTable } from '../../core/reports/report';
import type { FontName, SetText, TextMeasure } from './pdf-text';

/**
 * The report measured once, then paginated by one walk that both passes share: the first walk
 * only counts the pages (for "page N of M"), the second draws them as it goes, so no page has
 * to be kept in memory for its footer and the two can never disagree on where a page breaks.
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
  readonly source: ReportTable;
  readonly widths: readonly number[];
  readonly header: MeasuredRow;
  readonly rows: readonly MeasuredRow[];
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

export const cellFont = (table: ReportTable, column: number, header: boolean, emphasis: Emphasis | null): FontName =>
  header || (emphasis && !table.columns[column]!.mono) ? 'bold' : table.columns[column]!.mono ? 'mono' : 'regular';

function measureRow(measure: TextMeasure, table: ReportTable, widths: readonly number[], cells: readonly string[], header: boolean): MeasuredRow {
  let height = 0;
  let emphasis: (Emphasis | null)[] | null = null;
  const set = cells.map((text, i): SetCell => {
    const stress = header ? null : emphasisOf(text);
    if (stress) (emphasis ??= cells.map(() => null))[i] = stress;
    const s = measure.set(text, cellFont(table, i, header, stress), CELL_SIZE, widths[i]! - 2 * PAD, table.columns[i]!.mono === true && !header);
    height = Math.max(height, s.height);
    return s.lines.length === 1 && s.size === CELL_SIZE && s.lines[0] === text ? text : s;
  });
  return { cells: set, height: height + 2 * PAD, emphasis };
}

/** Measures every line and every table row of the report, once; `progress` hears of each thousand rows. */
export function measureReport(report: CustodyReport, measure: TextMeasure, geometry: PageGeometry, verifyText: string, progress?: (rows: number, of: number) => void): MeasuredReport {
  const width = contentWidth(geometry);
  const rowCount = report.sections.reduce((n, s) => n + (s.table?.rows.length ?? 0), 0);
  let done = 0;
  const sections = report.sections.map((section): MeasuredSection => {
    const lines = (section.lines ?? []).map((line) => measureLine(measure, line, width));
    const t = section.table;
    if (!t) return { title: section.title, heading: measure.set(section.title, 'bold', HEADING_SIZE, width), lines, table: null, empty: null };
    const widths = t.columns.map((c) => c.width * width);
    const rows: MeasuredRow[] = [];
    for (const row of t.rows) {
      rows.push(measureRow(measure, t, widths, row, false));
      done += 1;
      if (done % 1000 === 0) progress?.(done, rowCount);
    }
    return {
      title: section.title,
      heading: measure.set(section.title, 'bold', HEADING_SIZE, width),
      lines,
      table: t.rows.length ? { source: t, widths, header: measureRow(measure, t, widths, t.columns.map((c) => c.header), true), rows } : null,
      empty: t.rows.length ? null : measureLine(measure, t.empty, width),
    };
  });
  progress?.(done, rowCount);
  return {
    geometry,
    title: measure.set('Custody report — emergency access credentials', 'bold', 18, width),
    facts: factsOf(report).map(([label, value]) => ({ label, value: measure.set(`${label}: ${value}`, label === 'Ledger head' ? 'mono' : 'regular', 10, width, label === 'Ledger head'), mono: label === 'Ledger head' })),
    sections,
    verifyText: measure.set(verifyText, 'regular', LINE_SIZE, width - 135),
    signers: Math.max(2, report.signatories.length),
    rowCount,
  };
}

export function factsOf(report: CustodyReport): [string, string][] {
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
    const first = section.lines[0]?.set.height ?? (section.table ? section.table.header.height + section.table.rows[0]!.height : (section.empty?.set.height ?? 0));
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
      if (!flow.fits(table.header.height + table.rows[0]!.height)) {
        flow.newPage();
        yield flow.page;
      }
      painter?.tableStart(table);
      painter?.row(table, table.header, true, flow.y);
      flow.y += table.header.height;
      for (const row of table.rows) {
        if (!flow.fits(row.height)) {
          flow.newPage();
          painter?.row(table, table.header, true, flow.y, true);
          flow.y += table.header.height;
          yield flow.page;
        }
        painter?.row(table, row, false, flow.y);
        flow.y += row.height;
        flow.rows += 1;
      }
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

