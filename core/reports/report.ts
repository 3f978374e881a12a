/** A custody report as data: what the PDF and the print view both lay out. Pure. */
export interface ReportColumn {
  readonly header: string;
  /** Share of the table's width. */
  readonly width: number;
  /** Set in the monospaced face (hashes, serials, ids). */
  readonly mono?: boolean;
}

export interface ReportTable {
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly (readonly string[])[];
  /** Said plainly when there are no rows. */
  readonly empty: string;
}

export interface ReportSection {
  readonly title: string;
  readonly lines?: readonly string[];
  readonly table?: ReportTable;
}

export interface Signatory {
  readonly name: string;
  readonly role: string;
}

export interface CustodyReport {
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
  readonly sections: readonly ReportSection[];
  readonly signatories: readonly Signatory[];
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
