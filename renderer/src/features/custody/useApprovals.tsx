import { useEffect, useState } from 'react';
import type { KeywardEvents } from '../../../../electron/common/bridge';

export type ApprovalEvent = KeywardEvents['custody:approval'];

/** Collects main's approval events while a dual-control entry is being signed. */
export function useApprovals(): [readonly ApprovalEvent[], () => void] {
  const [events, setEvents] = useState<ApprovalEvent[]>([]);
  useEffect(() => (window.keyward ? window.keyward.on('custody:approval', (e) => setEvents((list) => [...list, e])) : undefined), []);
  return [events, () => setEvents([])];
}

/**
 * The signing steps of a flow, each marked waiting, touch-now or approved, and above them what
 * the touch signs: the entry's number, its summary and the first digits of the signed digest.
 */
export function ApprovalSteps({ expected, events }: { readonly expected: readonly { role: ApprovalEvent['role']; name: string }[]; readonly events: readonly ApprovalEvent[] }) {
  const signing = [...events].reverse().find((e) => e.entry)?.entry;
  return (
    <>
      {signing ? (
        <div className="signing" data-testid="signing-entry">
          <p className="signing-label">Your touch signs ledger entry {signing.seq}:</p>
          <p className="signing-summary">{signing.summary}</p>
          <p className="signing-digest">
            Digest <code>{signing.digest}</code>
          </p>
        </div>
      ) : (
        <p className="hint">Preparing the entry to sign…</p>
      )}
      <ApprovalList expected={expected} events={events} />
    </>
  );
}

function ApprovalList({ expected, events }: { readonly expected: readonly { role: ApprovalEvent['role']; name: string }[]; readonly events: readonly ApprovalEvent[] }) {
  return (
    <ol className="approval-steps">
      {expected.map(({ role, name }) => {
        const approved = events.some((e) => e.role === role && e.step === 'approved');
        const touching = !approved && events.some((e) => e.role === role && e.step === 'touch');
        return (
          <li key={role} className={approved ? 'done' : touching ? 'active' : ''}>
            {approved ? '✓ ' : ''}
            {role === 'custodian' ? 'Custodian' : role === 'witness' ? 'Witness' : 'Countersigner'} {name}: {approved ? 'approved' : touching ? 'touch your key now' : 'waiting'}
          </li>
        );
      })}
    </ol>
  );
}
