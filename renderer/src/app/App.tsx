import { useState } from 'react';
import { AttentionScreen } from '../features/attention/AttentionScreen';
import { InventoryScreen } from '../features/inventory/InventoryScreen';
import { LedgerScreen } from '../features/ledger/LedgerScreen';
import { PresenceScreen } from '../features/presence/PresenceScreen';
import { CustodyScreen } from '../features/custody/CustodyScreen';
import { ReportsScreen } from '../features/reports/ReportsScreen';
import { PostureScreen } from '../features/guidance/PostureScreen';
import { ValidationScreen } from '../features/guidance/ValidationScreen';
import { SignInsScreen } from '../features/guidance/SignInsScreen';
import { FactsScreen } from '../features/facts/FactsScreen';
import { NetworkScreen } from '../features/network/NetworkScreen';
import { DrillTouchPrompt } from '../features/presence/DrillTouchPrompt';
import { StatusStrip } from './StatusStrip';
import { AuditorApp, isAuditorWindow } from '../features/auditor/AuditorApp';
import { REJUDGE_EVERY_MS, useChannel } from '../lib/useChannel';

const ROUTES = [
  { id: 'attention', label: 'Attention' },
  { id: 'inventory', label: 'Inventory' },
  { id: 'custody', label: 'Custody' },
  { id: 'presence', label: 'Presence check' },
  { id: 'network', label: 'Network paths' },
  { id: 'posture', label: 'Posture' },
  { id: 'facts', label: 'Facts' },
  { id: 'validation', label: 'Validation' },
  { id: 'signins', label: 'Sign-ins' },
  { id: 'ledger', label: 'Ledger' },
  { id: 'reports', label: 'Reports' },
] as const;
type Route = (typeof ROUTES)[number]['id'];

/** A site's window, or an auditor's when main opened one on an auditor database. */
export function App() {
  return isAuditorWindow() ? <AuditorApp /> : <SiteApp />;
}

function SiteApp() {
  const [route, setRoute] = useState<Route>('attention');
  const [announcement, setAnnouncement] = useState('');
  // Judged again after every write (ledger:appended) and on a timer, so what falls due appears by itself.
  const { value: status, error: statusError, loadedAt } = useChannel('status:get', {}, { refreshEveryMs: REJUDGE_EVERY_MS });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar no-print">
        <h1>Keyward</h1>
        <StatusStrip status={status} onOpenAttention={() => setRoute('attention')} />
      </header>
      <nav className="nav no-print" aria-label="Screens">
        <ul>
          {ROUTES.map((r) => (
            <li key={r.id}>
              <button type="button" className="nav-button" aria-current={route === r.id ? 'page' : undefined} onClick={() => setRoute(r.id)}>
                {r.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <DrillTouchPrompt />
      <main id="main" tabIndex={-1}>
        {route === 'attention' && <AttentionScreen summary={status?.findings} judgedAt={loadedAt} error={statusError} />}
        {route === 'inventory' && <InventoryScreen onSaved={setAnnouncement} />}
        {route === 'custody' && <CustodyScreen />}
        {route === 'presence' && <PresenceScreen />}
        {route === 'network' && <NetworkScreen />}
        {route === 'posture' && <PostureScreen />}
        {route === 'validation' && <ValidationScreen />}
        {route === 'facts' && <FactsScreen onSaved={setAnnouncement} />}
        {route === 'signins' && <SignInsScreen />}
        {route === 'ledger' && <LedgerScreen />}
        {route === 'reports' && <ReportsScreen />}
      </main>
    </div>
  );
}
