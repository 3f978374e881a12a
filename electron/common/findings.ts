export { allowedChoices, resolvableBySignature } from '../../core/findings/finding';
export type { Finding, FindingKind, ResolutionChoice } from '../../core/findings/finding';
export type { FindingCounts, FindingSeverity, FindingsSummary } from '../../core/findings/finding';

