import { useRef, useState } from 'react';
import type { ReplyError } from '../../../../electron/common/channels';
import type { FindingsSummary } from '../../../../electron/common/findings';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';
import { FindingCard } from './FindingCard';
import { ResolvedFindings } from './ResolvedFindings';

interface Props {
  /** The open findings from the status the header shows, so the two always agree. */
  readonly summary: FindingsSummary | undefined;
  /** When that status (and its ledger verification) was read. */
  readonly judgedAt: Date | undefined;
  readonly error: ReplyError | undefined;
}

/** Everything that needs attention, most severe first; the first screen Keyward shows. */
export function AttentionScreen({ summary, judgedAt, error }: Props) {
  const { value: inventory } = useChannel('inventory:overview', {});
  const [resolving, setResolving] = useState<string | undefined>(undefined);
  const [showResolved, setShowResolved] = useState(false);
  const [message, setMessage] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const custodians = (inventory?.custodians ?? []).filter((c) => c.active).map((c) => c.name);
  const open = summary?.findings ?? [];

  return (
    <section aria-labelledby="attention-title" className="screen">
      <h2 id="attention-title" ref={heading} tabIndex={-1}>
        Attention
      </h2>
      <div className="screen-intro">
        <p className="hint">Every open finding, most severe first. A finding stays open until two custodians resolve it; a later clean check does not clear it.</p>
        <label className="inline toggle">
          <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.currentTarget.checked)} /> Show resolved
        </label>
      </div>
      {error && (
        <p className="form-error" role="alert">
          Could not judge the ledger: {error.message}
        </p>
      )}
      <p role="status" className={message ? 'banner banner-ok' : 'visually-hidden'}>
        {message}
      </p>
      {summary === undefined ? (
        !error && <p className="hint">Verifying the ledger…</p>
      ) : open.length === 0 ? (
        <div className="banner banner-ok attention-empty">
          <strong>Nothing needs attention.</strong> Ledger last verified{judgedAt ? ` at ${formatLocalTime(judgedAt.toISOString(), 'seconds')}` : ''}.
        </div>
      ) : (
        <ol className="finding-list" aria-label="Open findings, most severe first">
          {open.map((finding) => (
            <li key={finding.id}>
              <FindingCard
                finding={finding}
                custodians={custodians}
                resolving={resolving === finding.id}
                onResolve={(on) => setResolving(on ? finding.id : undefined)}
                onResolved={(seq) => {
                  setResolving(undefined);
                  setMessage(`Resolved "${finding.title}" in ledger entry ${seq}.`);
                  heading.current?.focus();
                }}
              />
            </li>
          ))}
        </ol>
      )}
      {showResolved && <ResolvedFindings />}
    </section>
  );
}
