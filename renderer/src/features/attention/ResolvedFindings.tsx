import type { Finding } from '../../../../electron/common/findings';
import { DataTable } from '../../components/DataTable';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';
import { evidenceText } from './FindingCard';
import { CHOICE_DONE, SeverityLabel } from './severity';

type Resolved = Finding & { readonly resolution: NonNullable<Finding['resolution']> };

/** Findings two custodians have closed: who, when, why, newest first. */
export function ResolvedFindings() {
  const { value, error } = useChannel('findings:list', { all: true });
  const resolved = value
    ?.filter((f): f is Resolved => f.resolution !== null)
    .sort((a, b) => b.resolution.seq - a.resolution.seq);
  return (
    <section className="inventory-section" aria-labelledby="resolved-title">
      <h3 id="resolved-title" className="section-title">
        Resolved findings
      </h3>
      <div className="section-body single">
        {error && (
          <p className="form-error" role="alert">
            Could not load the resolved findings: {error.message}
          </p>
        )}
        <DataTable<Resolved>
          caption="Closed by two custodians' signatures, newest first"
          rows={resolved}
          rowKey={(f) => f.id}
          empty="No finding has been resolved yet."
          columns={[
            { header: 'Severity', cell: (f) => <SeverityLabel severity={f.severity} /> },
            { header: 'Finding', cell: (f) => <>{f.title}<small className="expiry">since {formatLocalTime(f.since)}; {evidenceText(f.evidence)}</small></> },
            { header: 'Resolved', cell: (f) => <time dateTime={f.resolution.at}>{formatLocalTime(f.resolution.at)}</time> },
            { header: 'By', cell: (f) => f.resolution.by.join(' and ') },
            { header: 'Why', cell: (f) => <>{f.resolution.reason}{CHOICE_DONE[f.resolution.choice] && <small className="expiry">{CHOICE_DONE[f.resolution.choice]}</small>}</> },
            { header: 'Entry', cell: (f) => f.resolution.seq },
          ]}
        />
      </div>
    </section>
  );
}
