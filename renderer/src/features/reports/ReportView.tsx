import QRCode from 'qrcode';
import type { ReactElement } from 'react';
import type { ChannelResults } from '../../../../electron/common/channels';
import { formatRecordedAt } from '../../lib/format';

type Report = ChannelResults['report:preview'];

/** The head hash as a QR code, drawn as SVG squares: no image, no network. */
function HeadQr({ hash }: { readonly hash: string }) {
  const code = QRCode.create(hash, { errorCorrectionLevel: 'M' });
  const n = code.modules.size;
  const cells: ReactElement[] = [];
  for (let r = 0; r < n; r += 1) for (let c = 0; c < n; c += 1) if (code.modules.get(r, c)) cells.push(<rect key={`${r}-${c}`} x={c + 4} y={r + 4} width={1} height={1} />);
  return (
    <svg className="report-qr" viewBox={`0 0 ${n + 8} ${n + 8}`} role="img" aria-label={`QR code of the ledger head ${hash}`}>
      <rect x={0} y={0} width={n + 8} height={n + 8} fill="#fff" />
      <g fill="#000">{cells}</g>
    </svg>
  );
}

type Table = NonNullable<Report['sections'][number]['table']>;
type Emphasis = NonNullable<NonNullable<Table['emphasis'][number]>[number]>;

/** A verdict stands out as on paper: an alert (ANOMALY, OVERDUE, NOT MET, an incident) in red, a caution in amber. */
const emphasisClass = (emphasis: Emphasis | null | undefined) => (emphasis ? `emph-${emphasis}` : undefined);
const cellClass = (mono: boolean | undefined, emphasis: Emphasis | null | undefined) => [mono ? 'mono' : '', emphasisClass(emphasis) ?? ''].filter(Boolean).join(' ') || undefined;

/** A table of the report, or what it says when it has no rows; a long one shows its first rows and says how many the PDF holds. */
function PreviewTable({ table }: { readonly table: Table }) {
  if (table.total === 0) return <p>{table.empty}</p>;
  return (
    <>
      <table className="data-table report-table">
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.header} scope="col" style={{ width: `${Math.round(c.width * 100)}%` }}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j} className={cellClass(table.columns[j]?.mono, table.emphasis[i]?.[j])}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.total > table.rows.length && (
        <p className="report-cut">
          Rows 1–{table.rows.length} of {table.total.toLocaleString('en-GB')} shown here; the saved PDF holds every row.
        </p>
      )}
    </>
  );
}

/** The print view: the same report the PDF holds, laid out for paper by the print stylesheet. */
export function ReportView({ report }: { readonly report: Report }) {
  const t = (iso: string) => formatRecordedAt(iso, report.utcOffset, 'minutes');
  return (
    <article className="report-view" aria-label={`Custody report ${report.id}`}>
      <h2>Custody report — emergency access credentials</h2>
      <dl className="report-facts">
        <dt>Organisation</dt>
        <dd>{report.organisation}</dd>
        <dt>Site</dt>
        <dd>{report.site}</dd>
        <dt>Period</dt>
        <dd>
          {t(report.from)} to {t(report.to)}
        </dd>
        <dt>Generated</dt>
        <dd>{t(report.generatedAt)}</dd>
        <dt>Report id</dt>
        <dd>{report.id}</dd>
        <dt>Ledger head</dt>
        <dd>
          entry {report.headSeq}, <code data-testid="report-head">{report.headHash}</code>
        </dd>
      </dl>
      {report.sections.map((section) => (
        <section key={section.title}>
          <h3>{section.title}</h3>
          {section.lines?.map((line, i) => (
            <p key={line} className={emphasisClass(section.lineEmphasis?.[i])}>
              {line}
            </p>
          ))}
          {section.table && <PreviewTable table={section.table} />}
        </section>
      ))}
      <section>
        <h3>Signatures</h3>
        <div className="signature-blocks">
          {(report.signatories.length ? report.signatories : [{ name: '', role: 'Security officer' }, { name: '', role: 'Custodian' }]).map((s, i) => (
            <div key={i} className="signature-block">
              <div>
                <div className="signature-line" />
                <span>
                  {s.name || 'Name'} — {s.role}
                </span>
              </div>
              <div>
                <div className="signature-line" />
                <span>Date and time, with time zone (UTC{report.utcOffset})</span>
              </div>
            </div>
          ))}
        </div>
      </section>
      <section className="report-verify">
        <h3>How to verify this report</h3>
        <HeadQr hash={report.headHash} />
        <p>
          The QR code holds the ledger head hash {report.headHash}. Run <code>keyward ledger verify --expect-head {report.headHash}</code> on the Keyward database, or verify an exported ledger; verification fails if any entry up to this head was changed, removed or reordered.
        </p>
      </section>
      <footer className="report-footer">
        Keyward report {report.id} · ledger head {report.headHash}
      </footer>
    </article>
  );
}
