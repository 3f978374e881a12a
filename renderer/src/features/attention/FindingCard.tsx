import { useId, useRef } from 'react';
import { resolvableBySignature, type Finding } from '../../../../electron/common/findings';
import { formatLocalTime } from '../../lib/format';
import { ResolveFindingForm } from './ResolveFindingForm';
import { SeverityLabel } from './severity';

interface Props {
  readonly finding: Finding;
  readonly custodians: readonly string[];
  /** This card's resolve section is open. */
  readonly resolving: boolean;
  readonly onResolve: (open: boolean) => void;
  readonly onResolved: (ledgerSeq: number) => void;
}

export const evidenceText = (evidence: readonly number[]): string =>
  evidence.length === 0 ? 'what is true now (no single ledger entry)' : `ledger ${evidence.length === 1 ? 'entry' : 'entries'} ${evidence.join(', ')}`;

/** One open finding: what, since when, why, what to do next, the entries it rests on. */
export function FindingCard({ finding, custodians, resolving, onResolve, onResolved }: Props) {
  const id = useId();
  const resolveButton = useRef<HTMLButtonElement>(null);
  const resolvable = resolvableBySignature(finding);
  return (
    <article className={`finding finding-${finding.severity}`} aria-labelledby={`${id}-title`} data-finding-id={finding.id}>
      <header className="finding-head">
        <SeverityLabel severity={finding.severity} />
        <h3 id={`${id}-title`}>{finding.title}</h3>
      </header>
      <dl className="finding-facts">
        <dt>Since</dt>
        <dd>
          <time dateTime={finding.since}>{formatLocalTime(finding.since)}</time>
        </dd>
        <dt>What happened</dt>
        <dd>{finding.detail}</dd>
        <dt>What to do next</dt>
        <dd>{finding.nextStep}</dd>
        <dt>Evidence</dt>
        <dd>{evidenceText(finding.evidence)}</dd>
      </dl>
      {resolvable ? (
        <button ref={resolveButton} type="button" className="secondary" aria-expanded={resolving} onClick={() => onResolve(!resolving)}>
          Resolve…
        </button>
      ) : (
        <p className="hint">Not closed by signature: it closes once what to do next is done.</p>
      )}
      {resolving && (
        <ResolveFindingForm
          finding={finding}
          custodians={custodians}
          onCancel={() => {
            onResolve(false);
            resolveButton.current?.focus();
          }}
          onResolved={onResolved}
        />
      )}
    </article>
  );
}
