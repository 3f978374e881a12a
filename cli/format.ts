import type { Finding } from '../core/findings/finding';

/** A plain text table: header, rule, rows; columns padded to their widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined || cell === '' ? '-' : String(cell))));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The open findings as a person reads them: most severe first, each with what to do next. */
export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity.toUpperCase().padEnd(8)} ${f.title}\n         since ${when(f.since)} · ${f.detail}\n         next: ${f.nextStep}\n         id: ${f.id}${f.evidence.length ? ` · evidence: entries ${f.evidence.join(', ')}` : ''}`);
}
