import type { AuditorSiteSummary } from '../../../../electron/common/channels';
import { Screen } from '../../components/Layout';
import { StatusChip } from '../../components/StatusChip';
import { Token } from '../../components/Token';
import { formatLocalTime } from '../../lib/format';
import { FINDING_SEVERITY_ORDER, SeverityLabel, countLabel, sentence } from '../attention/severity';

export const siteLabel = (s: Pick<AuditorSiteSummary, 'siteName'>) => s.siteName || 'Unnamed site';

/** Every site the auditor holds: its head and checkpoints, its last bundle, what is out, what is open, and whether its chain forked or went back. */
export function SitesOverview({ path, sites, onOpen }: { readonly path: string | undefined; readonly sites: readonly AuditorSiteSummary[] | undefined; readonly onOpen: (siteId: string) => void }) {
  return (
    <Screen id="sites" title="All sites" intro={<p className="hint">Each site as its latest bundle shows it, read only{path ? <> from <Token value={path} /></> : null}. Custody and findings are judged from the site&apos;s ledger as of that bundle.</p>}>
      {sites === undefined ? (
        <p className="hint">Loading…</p>
      ) : sites.length === 0 ? (
        <p className="banner">This auditor database holds no bundle yet: add one with keyward audit add.</p>
      ) : (
        <ul className="site-cards" aria-label="Sites">
          {sites.map((s) => (
            <li key={s.siteId}>
              <SiteCard site={s} onOpen={() => onOpen(s.siteId)} />
            </li>
          ))}
        </ul>
      )}
    </Screen>
  );
}

function SiteCard({ site: s, onOpen }: { readonly site: AuditorSiteSummary; readonly onOpen: () => void }) {
  const chain = s.findings.filter((f) => f.kind !== 'unknown-site');
  const titleId = `site-${s.siteId}-title`;
  return (
    <article className={`panel site-card${chain.length ? ' site-card-critical' : ''}`} aria-labelledby={titleId}>
      <div className="panel-head">
        <h3 id={titleId} className="panel-title">
          {siteLabel(s)}
        </h3>
        <div className="panel-actions">
          <button type="button" className="secondary" onClick={onOpen} aria-label={`Open ${siteLabel(s)}`}>
            Open
          </button>
        </div>
      </div>
      <div className="panel-body">
        <dl className="site-facts">
          <dt>Site id</dt>
          <dd>
            <Token value={s.siteId.slice(0, 16)} title={s.siteId} />
          </dd>
          <dt>Head</dt>
          <dd>
            entry {s.headSeq.toLocaleString('en')}, <Token value={s.headHash.slice(0, 16)} title={s.headHash} />
          </dd>
          <dt>Last checkpoint</dt>
          <dd>
            <Token value={s.closingHash.slice(0, 16)} title={s.closingHash} />, closing the bundle; {s.checkpoints} before it
          </dd>
          <dt>Last bundle</dt>
          <dd>
            <time dateTime={s.lastBundleAt}>{formatLocalTime(s.lastBundleAt)}</time> ({s.bundles} {s.bundles === 1 ? 'bundle' : 'bundles'})
          </dd>
          <dt>Open findings</dt>
          <dd>{s.state ? FINDING_SEVERITY_ORDER.map((sev) => countLabel(sev, s.state!.open[sev])).join(', ') : 'not known until its next bundle'}</dd>
          <dt>Custody</dt>
          <dd>
            {!s.state ? (
              'not known until its next bundle'
            ) : s.state.out.length === 0 ? (
              'every item in the safe'
            ) : (
              <>
                {s.state.out.length} out of the safe{' '}
                {s.state.overdue > 0 && <StatusChip tone="critical">{s.state.overdue} overdue</StatusChip>}
              </>
            )}
          </dd>
        </dl>
        {chain.map((f) => (
          <p key={`${f.kind}-${f.at}`} className="site-chain-finding">
            <SeverityLabel severity={f.severity} /> {sentence(f.message)}
          </p>
        ))}
      </div>
    </article>
  );
}
