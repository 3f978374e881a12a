import type { FindingsSummary } from '../findings/finding';

/** The counts and the ledger head that the dashboard and `keyward status` show. */
export interface KeywardStatus {
  readonly schemaVersion: number;
  readonly ledger: { readonly entries: number; readonly headHash: string };
  readonly authenticators: { readonly total: number; readonly byState: Record<string, number> };
  readonly accounts: number;
  readonly activeCustodians: number;
  /** Whether a validation of the emergency access process is due, and why. */
  readonly validation: { readonly due: boolean; readonly because: string | null; readonly dueAt: string | null; readonly daysRemaining: number | null; readonly underWay: boolean };
  /** The smartcard certificate that expires first (the dashboard shows it), with its state against the window. */
  readonly earliestExpiry: { readonly label: string; readonly notAfter: string; readonly days: number; readonly state: 'valid' | 'expiring' | 'expired' } | null;
  /** The ledger's verification and the open findings: the one judgement every screen shows. */
  readonly findings: FindingsSummary;
  readonly custody: {
    /** Labels of items out of the safe now. */
    readonly out: readonly string[];
    readonly overdue: readonly string[];
    /** Emergency checkouts by one custodian, not yet countersigned. */
    readonly awaitingCountersign: readonly string[];
  };
}
