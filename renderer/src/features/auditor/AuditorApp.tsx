import { useState } from 'react';
import type { AuditorSiteSummary } from '../../../../electron/common/channels';
import { countLabel } from '../attention/severity';
import { useChannel } from '../../lib/useChannel';
import { SitesOverview, siteLabel } from './SitesOverview';
import { SiteScreen } from './SiteScreen';
import './auditor.css';

/** Whether main opened this window on an auditor database (it loads the page with ?mode=auditor). */
export const isAuditorWindow = (): boolean => new URLSearchParams(window.location.search).get('mode') === 'auditor';

/** A site's critical findings: the auditor's (a fork, a rollback) and the site's own open ones. */
const criticalOf = (s: AuditorSiteSummary) => s.findings.filter((f) => f.severity === 'critical').length + (s.state?.open.critical ?? 0);

/**
 * The window of an auditor database: every site's bundles, read only. The overview first, then
 * each site's findings, inventory and custody, and ledger as of its latest bundle. Nothing here
 * can change a site's history: main refuses every writing channel in this mode.
 */
export function AuditorApp() {
  const { value, error } = useChannel('auditor:sites', {});
  const [siteId, setSiteId] = useState<string | undefined>(undefined);
  const sites = value?.sites ?? [];
  const site = sites.find((s) => s.siteId === siteId);
  const critical = sites.reduce((n, s) => n + criticalOf(s), 0);

  return (
    <div className="shell auditor-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar no-print">
        <h1>Keyward Auditor</h1>
        <div className="status-strip">
          <span className="status-info">Read only</span>
          <span className="status-info">
            {sites.length} {sites.length === 1 ? 'site' : 'sites'}
          </span>
          <span className={`ledger-badge ${critical ? 'ledger-bad' : 'ledger-ok'}`} data-testid="auditor-critical">
            {countLabel('critical', critical)}
          </span>
        </div>
      </header>
      <nav className="nav no-print" aria-label="Sites">
        <ul>
          <li>
            <button type="button" className="nav-button" aria-current={siteId === undefined ? 'page' : undefined} onClick={() => setSiteId(undefined)}>
              All sites
            </button>
          </li>
          {sites.map((s) => (
            <li key={s.siteId}>
              <button type="button" className="nav-button" aria-current={siteId === s.siteId ? 'page' : undefined} onClick={() => setSiteId(s.siteId)}>
                {siteLabel(s)}
                {criticalOf(s) > 0 && <span className="nav-critical"> ({countLabel('critical', criticalOf(s))})</span>}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {error && (
          <p className="form-error" role="alert">
            Could not read the auditor database: {error.message}
          </p>
        )}
        {site ? <SiteScreen key={site.siteId} site={site} /> : <SitesOverview path={value?.path} sites={value?.sites} onOpen={setSiteId} />}
      </main>
    </div>
  );
}
