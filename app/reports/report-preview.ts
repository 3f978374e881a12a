import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { eachRow, emphasisOf, rowCount, type CustodyReport, type Emphasis, type ReportSection, type ReportTable, type StreamedReport, type TableRows } from '../../core/reports/report';
import type { ProgressReport, Session } from '../ports';
import { gatherCustodyReport, type ReportInput } from './report';

/** Rows of each table the preview carries; the saved PDF holds every row. */
export const PREVIEW_ROWS = 100;

/** A table as the preview shows it: its first rows, how many it holds in all, and how each cell stands out (null for a row with nothing to stress). */
export interface PreviewTable extends ReportTable {
  readonly total: number;
  readonly emphasis: readonly (readonly (Emphasis | null)[] | null)[];
}

/** The report as the Reports screen previews it: every section, each table cut to its first rows, verdicts marked as the PDF sets them. */
export interface ReportPreview extends Omit<CustodyReport, 'sections'> {
  readonly sections: readonly (Omit<ReportSection, 'table'> & { readonly lineEmphasis?: readonly (Emphasis | null)[]; readonly table?: PreviewTable })[];
}

/** How each cell of a row stands out on paper (ANOMALY, OVERDUE, NOT MET, an incident in red), or null when none does. */
function rowEmphasis(row: readonly string[]): (Emphasis | null)[] | null {
  const cells = row.map(emphasisOf);
  return cells.some((e) => e !== null) ? cells : null;
}

/** The first rows of a table, read no further than that from a table that streams its rows. */
function firstRows(rows: TableRows, limit: number): { rows: (readonly string[])[]; total: number } {
  const first: (readonly string[])[] = [];
  for (const row of eachRow(rows)) {
    if (first.length === limit) break;
    first.push(row);
  }
  return { rows: first, total: rowCount(rows) };
}

/**
 * The preview of a report: a period of a long ledger holds a hundred thousand transactions,
 * which would be read, cross IPC and fill the page as a hundred thousand rows; the preview
 * carries the first `limit` rows of each table and the count, and the PDF is written from the
 * whole report.
 */
export function previewOf(report: StreamedReport, limit = PREVIEW_ROWS): ReportPreview {
  return {
    ...report,
    sections: report.sections.map(({ table, ...section }) => {
      const lines = section.lines && { lineEmphasis: section.lines.map(emphasisOf) };
      if (!table) return { ...section, ...lines };
      const first = firstRows(table.rows, limit);
      return { ...section, ...lines, table: { ...table, ...first, emphasis: first.rows.map(rowEmphasis) } };
    }),
  };
}

/** Gathers the report for a period (`gatherCustodyReport`) and returns its preview, reading only the first rows of the ledger's long tables. */
/** `verified`: the ledger's verification made beforehand, as gatherCustodyReport takes it. */
export const previewCustodyReport = (session: Session, input: ReportInput, progress?: ProgressReport, verified?: LedgerVerification): ReportPreview =>
  previewOf(gatherCustodyReport(session, input, progress, verified));
