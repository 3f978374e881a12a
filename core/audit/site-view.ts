import type { CustodyView } from '../custody/custody';
import type { Finding, FindingCounts } from '../findings/finding';
import type { Authenticator } from '../inventory/inventory';

/** What an auditor's database finds of a site's bundles: a fork, a rollback, a site it did not know. */
export interface AuditorFinding {
  readonly siteId: string;
  readonly kind: 'fork' | 'rollback' | 'unknown-site';
  readonly severity: 'critical' | 'notice';
  readonly message: string;
  readonly bundleId: number;
  readonly at: string;
}

/**
 * What an auditor knows of a site from its ledger alone, as of the moment its bundle was made:
 * the inventory the entries define, every checkout (who has what, since when, overdue), and the
 * findings the site itself judges from those entries. Findings the site judges from what is not
 * in its ledger (posture facts, certificates, sign-in logs, metadata, backups) are not among them.
 */
export interface SiteJudgement {
  /** The instant judged at: when the site made the bundle. */
  readonly asOf: string;
  readonly checkIntervalDays: number;
  readonly authenticators: readonly Authenticator[];
  /** Every checkout, newest first; those still out have no return. */
  readonly custody: readonly CustodyView[];
  /** Every finding, open and resolved, most severe first. */
  readonly findings: readonly Finding[];
  readonly open: FindingCounts;
}

/** What an overview keeps of a site's judgement: what is out now and what is open, as of when. */
export interface SiteState {
  readonly asOf: string;
  readonly checkIntervalDays: number;
  /** Items out of the safe at `asOf`, newest checkout first. */
  readonly out: readonly CustodyView[];
  readonly overdue: number;
  /** The open findings, most severe first. */
  readonly findings: readonly Finding[];
  readonly open: FindingCounts;
}

/** A site as the auditor holds it: its furthest head, its bundles, the auditor's findings and its state as of its latest bundle. */
export interface SiteOverview {
  readonly siteId: string;
  readonly siteName: string;
  readonly headSeq: number;
  readonly headHash: string;
  readonly checkpoints: number;
  /** The checkpoint that closed the furthest bundle: the site's last. */
  readonly closingHash: string;
  readonly lastBundleAt: string;
  readonly bundles: number;
  readonly findings: readonly AuditorFinding[];
  /** What the held chain says of the site's custody and findings, as of its latest bundle (absent until a bundle of schema 2 is added). */
  readonly state: SiteState | null;
}
