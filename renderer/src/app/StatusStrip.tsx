import type { ChannelResults } from '../../../electron/common/channels';
import { FINDING_SEVERITY_ORDER, countLabel } from '../features/attention/severity';
import { shortHash } from '../lib/format';

type Status = ChannelResults['status:get'];

/**
 * The header's one line of state: open findings by severity (each opens Attention), whether the
 * ledger verifies, and its head. Overdue items, missing witnesses, due checks and expiring
 * certificates are findings, so they are counted here rather than repeated.
 */
export function StatusStrip({ status, onOpenAttention }: { readonly status: Status | undefined; readonly onOpenAttention: () => void }) {
  if (!status) return <div className="status-strip">Ledger: verifying…</div>;
  const { findings, validation, earliestExpiry } = status;
  return (
    <div className="status-strip">
      <div className="finding-counts" role="group" aria-label="Open findings">
        {FINDING_SEVERITY_ORDER.map((severity) => (
          <button
            key={severity}
            type="button"
            className={`count count-${severity}${findings.open[severity] === 0 ? ' count-zero' : ''}`}
            data-testid={`header-count-${severity}`}
            title="Show them on the Attention screen"
            onClick={onOpenAttention}
          >
            {countLabel(severity, findings.open[severity])}
          </button>
        ))}
      </div>
      {findings.ledgerVerified ? (
        <span className="ledger-badge ledger-ok" data-testid="header-ledger">
          Ledger verified
        </span>
      ) : (
        <span className="ledger-badge ledger-bad" data-testid="header-ledger" title={findings.ledgerProblem ?? undefined}>
          LEDGER NOT VERIFIED
        </span>
      )}
      {/* Information, not alarms: once due or expiring they are findings, counted above. */}
      {!validation.due && validation.daysRemaining !== null && <span className="status-info">Validation in {validation.daysRemaining} days</span>}
      {earliestExpiry?.state === 'valid' && (
        <span className="status-info" data-testid="header-expiry">
          {earliestExpiry.label} certificate expires in {earliestExpiry.days} days
        </span>
      )}
      <span className="status-info">
        {status.ledger.entries} {status.ledger.entries === 1 ? 'entry' : 'entries'}
      </span>
      <code title={status.ledger.headHash} data-testid="header-head-hash">
        {shortHash(status.ledger.headHash)}
      </code>
    </div>
  );
}
