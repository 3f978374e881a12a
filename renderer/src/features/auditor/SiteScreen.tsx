import { useState } from 'react';
import type { AuditorSiteSummary } from '../../../../electron/common/channels';
import { Screen } from '../../components/Layout';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';
import { AuditorCustody } from './AuditorCustody';
import { AuditorFindings } from './AuditorFindings';
import { AuditorLedger } from './AuditorLedger';
import { siteLabel } from './SitesOverview';

const VIEWS = [
  { id: 'findings', label: 'Findings' },
  { id: 'custody', label: 'Inventory and custody' },
  { id: 'ledger', label: 'Ledger' },
] as const;

/** One site, read only: its findings, its inventory and who has what, and its ledger, as of its latest bundle. */
export function SiteScreen({ site }: { readonly site: AuditorSiteSummary }) {
  const [view, setView] = useState<(typeof VIEWS)[number]['id']>('findings');
  const { value, error } = useChannel('auditor:site', { siteId: site.siteId });
  const judgement = value?.judgement;
  // The bundle the site's state was judged from: a later bundle that forked the chain is not it.
  const asOf = site.state?.asOf ?? site.lastBundleAt;
  return (
    <Screen
      id="site"
      title={siteLabel(site)}
      intro={
        <p className="hint">
          Read only, as of the site&apos;s bundle of <time dateTime={asOf}>{formatLocalTime(asOf)}</time>: {site.headSeq.toLocaleString('en')} {site.headSeq === 1 ? 'entry' : 'entries'}, {site.checkpoints} {site.checkpoints === 1 ? 'checkpoint' : 'checkpoints'} before the one that closed it.
        </p>
      }
    >
      <nav className="site-views" aria-label={`Views of ${siteLabel(site)}`}>
        {VIEWS.map((v) => (
          <button key={v.id} type="button" className="secondary" aria-current={view === v.id ? 'page' : undefined} onClick={() => setView(v.id)}>
            {v.label}
          </button>
        ))}
      </nav>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {!judgement && value && <p className="banner">Custody and findings are not known until the site&apos;s next bundle is added.</p>}
      {view === 'findings' && <AuditorFindings site={site} findings={judgement?.findings} />}
      {view === 'custody' && <AuditorCustody judgement={judgement ?? undefined} />}
      {view === 'ledger' && <AuditorLedger siteId={site.siteId} />}
    </Screen>
  );
}
