import { useState } from 'react';
import { InventoryScreen } from '../features/inventory/InventoryScreen';
import { LedgerScreen } from '../features/ledger/LedgerScreen';
import { PresenceScreen } from '../features/presence/PresenceScreen';
import { CustodyScreen } from '../features/custody/CustodyScreen';
import { ReportsScreen } from '../features/reports/ReportsScreen';
import { PostureScreen } from '../features/guidance/PostureScreen';
import { ValidationScreen } from '../features/guidance/ValidationScreen';
import { SignInsScreen } from '../features/guidance/SignInsScreen';
import { NetworkScreen } from '../features/network/NetworkScreen';
import { DrillTouchPrompt } from '../features/presence/DrillTouchPrompt';
import { shortHash } from '../lib/format';
import { useChannel } from '../lib/useChannel';

const ROUTES = [
  { id: 'inventory', label: 'Inventory' },
  { id: 'custody', label: 'Custody' },
  { id: 'presence', label: 'Presence check' },
  { id: 'network', label: 'Network paths' },
  { id: 'posture', label: 'Posture' },
  { id: 'validation', label: 'Validation' },
  { id: 'signins', label: 'Sign-ins' },
  { id: 'ledger', label: 'Ledger' },
  { id: 'reports', label: 'Reports' },
] as const;
type Route = (typeof ROUTES)[number]['id'];

export function App() {
  const [route, setRoute] = useState<Route>('inventory');
  const [announcement, setAnnouncement] = useState('');
  const { value: status } = useChannel('status:get', {});

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar no-print">
        <h1>Keyward</h1>
        <nav aria-label="Screens">
          {ROUTES.map((r) => (
            <button key={r.id} type="button" className="nav-button" aria-current={route === r.id ? 'page' : undefined} onClick={() => setRoute(r.id)}>
              {r.label}
            </button>
          ))}
        </nav>
        <div className="ledger-head" aria-label="Ledger head">
          {status ? (
            <>
              {status.custody.overdue.length > 0 && (
                <span className="alert-badge" role="alert">
                  {status.custody.overdue.length} overdue: {status.custody.overdue.join(', ')}
                </span>
              )}
              {status.custody.awaitingCountersign.length > 0 && <span className="alert-badge">{status.custody.awaitingCountersign.length} without witness</span>}
              {status.earliestExpiry && (
                <span className={status.earliestExpiry.state === 'valid' ? '' : 'alert-badge'} data-testid="header-expiry">
                  {status.earliestExpiry.state === 'expired'
                    ? `${status.earliestExpiry.label} certificate expired`
                    : `${status.earliestExpiry.label} certificate expires in ${status.earliestExpiry.days} days`}
                </span>
              )}
              <span className={status.validation.due ? 'alert-badge' : ''}>
                {status.validation.due ? 'Validation due' : `Validation in ${status.validation.daysRemaining} days`}
              </span>
              <span>
                Ledger: {status.ledger.entries} {status.ledger.entries === 1 ? 'entry' : 'entries'}
              </span>
              <code title={status.ledger.headHash} data-testid="header-head-hash">
                {shortHash(status.ledger.headHash)}
              </code>
            </>
          ) : (
            <span>Ledger: loading…</span>
          )}
        </div>
      </header>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <DrillTouchPrompt />
      <main id="main" tabIndex={-1}>
        {route === 'inventory' && <InventoryScreen onSaved={setAnnouncement} />}
        {route === 'custody' && <CustodyScreen />}
        {route === 'presence' && <PresenceScreen />}
        {route === 'network' && <NetworkScreen />}
        {route === 'posture' && <PostureScreen />}
        {route === 'validation' && <ValidationScreen />}
        {route === 'signins' && <SignInsScreen />}
        {route === 'ledger' && <LedgerScreen />}
        {route === 'reports' && <ReportsScreen />}
      </main>
    </div>
  );
}
