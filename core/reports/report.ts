/** A custody report as data: what the PDF and the print view both lay out. Pure. */
export interface ReportColumn {
  readonly header: string;
  /** Share of the table's width. */
  readonly width: number;
  /** Set in the monospaced face (hashes, serials, ids). */
  readonly mono?: boolean;
}

/** Rows held in memory: what a screen shows. */
export type HeldRows = readonly (readonly string[])[];

/** Rows read afresh for each pass over them (measuring, then writing): a long history is never held whole. */
export interface RowStream {
  /** How many rows every pass yields. */
  readonly count: number;
  rows(): Iterable<readonly string[]>;
}

export type TableRows = HeldRows | RowStream;

export interface ReportTable<Rows extends TableRows = HeldRows> {
  readonly columns: readonly ReportColumn[];
  readonly rows: Rows;
  /** Said plainly when there are no rows. */
  readonly empty: string;
}

export interface ReportSection<Rows extends TableRows = HeldRows> {
  readonly title: string;
  readonly lines?: readonly string[];
  readonly table?: ReportTable<Rows>;
}

export interface Signatory {
  readonly name: string;
  readonly role: string;
}

export interface CustodyReport<Rows extends TableRows = HeldRows> {
  readonly id: string;
  readonly organisation: string;
  readonly site: string;
  readonly from: string;
  readonly to: string;
  /** The instant it was made, and the machine's offset, shown together. */
  readonly generatedAt: string;
  readonly utcOffset: string;
  readonly headSeq: number;
  readonly headHash: string;
  /** The ledger's verification when the report was made; a report over a ledger that did not verify says so on every page. */
  readonly verification: { readonly ok: boolean; readonly firstBadSeq: number | null; readonly reason: string | null; readonly problem: string | null };
  readonly sections: readonly ReportSection<Rows>[];
  readonly signatories: readonly Signatory[];
}

/** A report whose long tables (the ledger's transactions, checks and proofs) are read as they are written. */
export type StreamedReport = CustodyReport<TableRows>;

const held = (rows: TableRows): rows is HeldRows => Array.isArray(rows);

export const rowCount = (rows: TableRows): number => (held(rows) ? rows.length : rows.count);

export const eachRow = (rows: TableRows): Iterable<readonly string[]> => (held(rows) ? rows : rows.rows());

/** The report with every row read into memory: for a screen, which shows it whole. */
export function holdRows(report: StreamedReport): CustodyReport {
  const sections = report.sections.map(({ table, ...section }): ReportSection => (table ? { ...section, table: { ...table, rows: [...eachRow(table.rows)] } } : section));
  return { ...report, sections };
}

/** `2026-11-25T09:00:00.000Z` at `+01:00` → `2026-11-25 10:00 (UTC+01:00)`. */
export function localTime(iso: string, utcOffset: string): string {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(utcOffset);
  const instant = Date.parse(iso);
  if (!match || Number.isNaN(instant)) return iso;
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  return `${new Date(instant + minutes * 60_000).toISOString().slice(0, 16).replace('T', ' ')} (UTC${utcOffset})`;
}

/** A report id that says when and over which ledger head it was made. */
export const reportId = (generatedAt: string, headHash: string): string => `KW-${generatedAt.slice(0, 10).replace(/-/g, '')}-${headHash.slice(0, 8).toUpperCase()}`;

/** How a value stands out on paper: an alert (red, bold) or a caution (amber, bold). */
export type Emphasis = 'alert' | 'caution';

// Verdict words are written in capitals wherever the report uses them, so matching the capitals finds them.
const ALERT = /\b(ANOMALY|OVERDUE|NOT MET|TAMPERED|INCIDENT|MISSING|EXPIRED|NO WITNESS|FAIL|CRITICAL|DID NOT VERIFY|MISMATCH)\b/;
const CAUTION = /\b(WARNING|EXPIRES|DUE|UNKNOWN|WAIVED|UNPROVEN|SINGLE PATH)\b/;

/** Whether a value carries a verdict that must stand out: an anomaly, an overdue item, a requirement not met, an incident. */
export function emphasisOf(text: string): Emphasis | null {
  return ALERT.test(text) ? 'alert' : CAUTION.test(text) ? 'caution' : null;
}
