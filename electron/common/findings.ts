import { allowedChoices, type Finding, type FindingKind, type ResolutionChoice } from '../../core/findings/finding';

export { allowedChoices };
export type { Finding, FindingKind, ResolutionChoice };
export type { FindingCounts, FindingSeverity, FindingsSummary } from '../../core/findings/finding';

/**
 * Kinds that end otherwise than by two custodians' signatures (a countersignature, a check, a
 * completed validation, a restored database): app/findings/resolve.ts refuses them, so the
 * screens offer no Resolve action for them.
 */
const ENDED_OTHERWISE: ReadonlySet<FindingKind> = new Set(['ledger-unverified', 'custody-countersign', 'presence-due', 'validation-due', 'certificate-expiring', 'validation-waived']);

/** Whether two custodians may resolve this finding now. */
export const resolvableBySignature = (finding: Finding): boolean => finding.resolution === null && finding.closure === 'resolution' && !ENDED_OTHERWISE.has(finding.kind);
