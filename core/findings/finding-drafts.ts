import type { Finding, FindingSubject } from './finding';

/** A finding while the ledger is folded: its detail and evidence grow as later entries add to it. */
export type Draft = Omit<Finding, 'detail' | 'evidence' | 'resolution'> & { detail: string; readonly evidence: number[] };

export function overdueCheck(subject: FindingSubject, since: string, evidence: number[], open: boolean, detail: string): Draft {
  return {
    id: `presence-overdue:${subject.id}:${since.slice(0, 10)}`, kind: 'presence-overdue', severity: 'warning', subject, since, drill: false, closure: 'resolution', evidence,
    title: `${subject.label}: quarterly presence check ${open ? 'overdue' : 'was late'} since ${since.slice(0, 10)}`,
    detail,
    nextStep: open ? 'Run the presence check of this item now; then two custodians resolve the finding with why it was late.' : 'Two custodians resolve the finding with why the check was late.',
  };
}

export function overdueCustody(open: { seq: number; label: string; expected: string; drill: boolean }, evidence: number[], state: string): Draft {
  return {
    id: `custody-overdue:${open.seq}`, kind: 'custody-overdue', severity: 'critical', subject: { type: 'checkout', id: String(open.seq), label: open.label },
    since: open.expected, drill: open.drill, closure: 'resolution', evidence,
    title: `${open.label}: overdue since ${open.expected.slice(0, 16).replace('T', ' ')} UTC`,
    detail: `checked out in entry ${open.seq}, expected back ${open.expected.slice(0, 16).replace('T', ' ')} UTC; ${state}`,
    nextStep: state === 'still out' ? 'Return the item to the safe (with its presence check), then two custodians resolve the finding with why it was late.' : 'Two custodians resolve the finding with why the return was late.',
  };
}

/** The network paths of one site (or of the room, for proofs bound to no site). */
export const proofSubject = (site: string | null): FindingSubject => (site === null ? { type: 'site', id: 'paths', label: 'Network paths' } : { type: 'site', id: site, label: `Network paths at ${site}` });

export function staleProof(subject: FindingSubject, since: string, evidence: number[], detail: string): Draft {
  return {
    id: subject.id === 'paths' ? `netpath-stale:${since.slice(0, 10)}` : `netpath-stale:${subject.id}:${since.slice(0, 10)}`, kind: 'netpath-stale', severity: 'warning', subject, since, drill: false, closure: 'resolution', evidence,
    title: `No met network-path proof since ${since.slice(0, 10)}`,
    detail,
    nextStep: 'Prove the network paths (wired and cellular); then two custodians resolve the finding.',
  };
}
