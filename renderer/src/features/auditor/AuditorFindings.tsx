import type { AuditorSiteSummary, ChannelResults } from '../../../../electron/common/channels';
import { Panel } from '../../components/Layout';
import { formatLocalTime } from '../../lib/format';
import { evidenceText } from '../attention/FindingCard';
import { SeverityLabel, sentence } from '../attention/severity';

type Finding = NonNullable<ChannelResults['auditor:site']['judgement']>['findings'][number];

/**
 * The auditor's own findings about the site's chain (a fork, a rollback, a site first seen), then
 * the site's open findings as its ledger shows them, most severe first: what, since when, why, what
 * the site should do, the entries they rest on. Only the site's custodians can resolve them.
 */
export function AuditorFindings({ site, findings }: { readonly site: AuditorSiteSummary; readonly findings: readonly Finding[] | undefined }) {
  const open = findings?.filter((f) => f.resolution === null);
  return (
    <>
      <Panel id="auditor-chain" title="The site's chain">
        {site.findings.length === 0 ? (
          <p className="hint">Every bundle of this site extends the chain held before it.</p>
        ) : (
          <ul className="plain-list">
            {site.findings.map((f) => (
              <li key={`${f.kind}-${f.at}`} className={`finding finding-${f.severity}`}>
                <SeverityLabel severity={f.severity} /> {sentence(f.message)} <small className="hint">(added <time dateTime={f.at}>{formatLocalTime(f.at)}</time>)</small>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel id="auditor-open-findings" title="Open findings from the site's ledger">
        {open === undefined ? (
          <p className="hint">Loading…</p>
        ) : open.length === 0 ? (
          <p className="hint">The site&apos;s ledger shows no open finding.</p>
        ) : (
          <ol className="finding-list" aria-label="Open findings, most severe first">
            {open.map((f) => (
              <li key={f.id}>
                <article className={`finding finding-${f.severity}`} aria-labelledby={`auditor-finding-${f.id}`}>
                  <header className="finding-head">
                    <SeverityLabel severity={f.severity} />
                    <h3 id={`auditor-finding-${f.id}`}>{f.title}</h3>
                  </header>
                  <dl className="finding-facts">
                    <dt>Since</dt>
                    <dd>
                      <time dateTime={f.since}>{formatLocalTime(f.since)}</time>
                    </dd>
                    <dt>What happened</dt>
                    <dd>{f.detail}</dd>
                    <dt>What the site should do</dt>
                    <dd>{f.nextStep}</dd>
                    <dt>Evidence</dt>
                    <dd>{evidenceText(f.evidence)}</dd>
                  </dl>
                </article>
              </li>
            ))}
          </ol>
        )}
        <p className="hint">Findings the site judges from what its ledger does not hold (posture facts, certificates, sign-in logs, metadata, backups) are not shown here.</p>
      </Panel>
    </>
  );
}
