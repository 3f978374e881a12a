import type { CustodyReport, ReportSection, ReportTable } from '../../core/reports/report';
import type { ProgressReport, Session } from '../ports';
import { buildCustodyReport, type ReportInput } from './report';

/** Rows of each table the preview carries; the saved PDF holds every row. */
export const PREVIEW_ROWS = 100;

/** A table's rows held in memory, or read afresh on each pass with their count known beforehand. */
type AnyRows = ReportTable['rows'] | { readonly count: number; rows(): Iterable<readonly string[]> };

type AnyReport = Omit<CustodyReport, 'sections'> & {
  readonly sections: readonly (Omit<ReportSection, 'table'> & { readonly table?: Omit<ReportTable, 'rows'> & { readonly rows: AnyRows } })[];
};

/** A table as the preview shows it: its first rows, and how many it holds in all. */
export interface PreviewTable extends ReportTable {
  readonly total: number;
}

/** The report as the Reports screen previews it: every section, each table cut to its first rows. */
export interface ReportPreview extends Omit<CustodyReport, 'sections'> {
  readonly sections: readonly (Omit<ReportSection, 'table'> & { readonly table?: PreviewTable })[];
}

function firstRows(rows: AnyRows, limit: number): { rows: (readonly string[])[]; total: number } {
  if (!('count' in rows)) return { rows: rows.slice(0, limit), total: rows.length };
  const first: (readonly string[])[] = [];
  for (const row of rows.rows()) {
    if (first.length === limit) break;
    first.push(row);
  }
  return { rows: first, total: rows.count };
}

/**
 * The preview of a report: a period of a long ledger holds a hundred thousand transactions,
 * which would cross IPC and fill the page as a hundred thousand rows; the preview carries the
 * first `limit` rows of each table and the count, and the PDF is written from the whole report.
 */
export function previewOf(report: AnyReport, limit = PREVIEW_ROWS): ReportPreview {
  return {
    ...report,
    sections: report.sections.map(({ table, ...section }) => (table ? { ...section, table: { ...table, ...firstRows(table.rows, limit) } } : section)),
  };
}

/** Builds the report for a period (`buildCustodyReport`) and returns its preview. */
export const previewCustodyReport = (session: Session, input: ReportInput, progress?: ProgressReport): ReportPreview => previewOf(buildCustodyReport(session, input, progress));
