import type { FindingSeverity, ResolutionChoice } from '../../../../electron/common/findings';

/** Severity in words, so that it never rests on colour alone. */
export const SEVERITY_LABELS: Record<FindingSeverity, string> = { critical: 'Critical', warning: 'Warning', notice: 'Notice' };

/** `2 critical`, `1 warning`, `3 notices`: a header count. */
export function countLabel(severity: FindingSeverity, count: number): string {
  return severity === 'critical' ? `${count} critical` : `${count} ${severity}${count === 1 ? '' : 's'}`;
}

/** What a resolution does to the item, as the custodian chooses it. */
export const CHOICE_LABELS: Record<ResolutionChoice, string> = {
  'accept-new-state': "Accept the key's new state as the baseline for later checks",
  retire: 'Retire the key: take it out of service',
  none: 'Leave the key as it is',
};

/** The same choice, short, for the list of resolved findings. */
export const CHOICE_DONE: Record<ResolutionChoice, string> = { 'accept-new-state': 'new state accepted as baseline', retire: 'key retired', none: '' };

/** Main's messages start in lower case (they also end CLI lines); the screen shows sentences. */
export const sentence = (message: string): string => message.charAt(0).toUpperCase() + message.slice(1);

export function SeverityLabel({ severity }: { readonly severity: FindingSeverity }) {
  return <span className={`severity severity-${severity}`}>{SEVERITY_LABELS[severity]}</span>;
}

/** Most severe first, as the header and the lists show them. */
export const FINDING_SEVERITY_ORDER: readonly FindingSeverity[] = ['critical', 'warning', 'notice'];
