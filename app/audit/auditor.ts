import { createHash } from 'node:crypto';
import { KeywardError } from '../../core/errors';
import { toLedgerEntry } from '../../db/ledger';
import {
  extendChain,
  fillMissingBodies,
  findBundleByFile,
  furthestBundle,
  heldHashes,
  insertAuditorFinding,
  insertBundle,
  bundlesOfSite,
  listAuditorFindings,
  listSiteIds,
  openAuditorDatabase,
  readSiteState,
  saveSiteState,
  type AuditorDatabase,
  type HeldBundle,
  type HeldEntry,
} from '../../db/auditor';
import { readInputFile } from '../input-file';
import type { Clock } from '../ports';
import { verifyAuditBundleBytes } from './audit-verify';
import { SITE_STATE_KINDS, judgeSiteEntries, summariseSite } from './site-judgement';
import type { AuditorFinding, SiteOverview, SiteState } from '../../core/audit/site-view';

export type { SiteOverview };

export interface AddedBundle {
  readonly site: { readonly id: string; readonly name: string };
  readonly head: { readonly seq: number; readonly hash: string };
  /** How it stands to what the auditor already held for the site. */
  readonly standing: 'new-site' | 'extends' | 'same' | 'fork' | 'rollback';
  readonly findings: readonly AuditorFinding[];
}

/**
 * Adds a verified audit bundle to an auditor's database (created on first use). The bundle must
 * verify; its chain must extend what is held for its site: one that disagrees at some entry (a
 * fork) or ends before it (a rollback) is a critical finding naming both heads, and a site seen
 * for the first time is named as such. The bundles themselves are only read.
 */
export function addAuditBundle(auditorPath: string, file: string, clock: Clock): AddedBundle {
  const bytes = readInputFile(file);
  const verification = verifyAuditBundleBytes(bytes);
  if (!verification.ok) throw new KeywardError('verification_failed', `the bundle does not verify (${verification.member}: ${verification.message}); it was not added`, 'file');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const db = openAuditorDatabase(auditorPath, { create: true });
  try {
    if (findBundleByFile(db, sha256)) throw new KeywardError('conflict', `this bundle was added already`, 'file');
    const site = verification.site!;
    const head = verification.head!;
    const hashes = verification.entryHashes!;
    const entries = verification.entries!;
    const organisation = (verification.siteFacts?.organisation ?? {}) as { checkIntervalDays?: unknown };
    const checkIntervalDays = typeof organisation.checkIntervalDays === 'number' && organisation.checkIntervalDays > 0 ? organisation.checkIntervalDays : DEFAULT_CHECK_INTERVAL_DAYS;
    const at = clock.now().toISOString();
    return db
      .transaction((): AddedBundle => {
        const held = furthestBundle(db, site.id);
        const bundleId = insertBundle(db, { siteId: site.id, siteName: site.name, fileSha256: sha256, createdAt: verification.createdAt!, headSeq: head.seq, headHash: head.hash, checkpoints: verification.checkpoints!, closingHash: verification.closing!.hash, addedAt: at });
        const findings: AuditorFinding[] = [];
        const raise = (kind: AuditorFinding['kind'], severity: AuditorFinding['severity'], message: string) => {
          const finding = { siteId: site.id, kind, severity, message, bundleId, at };
          insertAuditorFinding(db, finding);
          findings.push(finding);
        };
        const standing = judgeStanding(held, hashes, heldHashes(db, site.id, 1, Math.min(head.seq, held?.headSeq ?? 0)));
        const label = `${site.name || 'unnamed site'} (${site.id.slice(0, 16)}…)`;
        if (standing === 'new-site') raise('unknown-site', 'notice', `a bundle from ${label}, a site this auditor database did not know: its head ${head.hash} at entry ${head.seq} is held from now on`);
        if (standing === 'fork') raise('fork', 'critical', `${label} forked: this bundle's head ${head.hash} (entry ${head.seq}) does not extend the head held from an earlier bundle, ${held!.headHash} (entry ${held!.headSeq})`);
        if (standing === 'rollback') raise('rollback', 'critical', `${label} went back: this bundle's head ${head.hash} (entry ${head.seq}) is behind the head held from an earlier bundle, ${held!.headHash} (entry ${held!.headSeq})`);
        if (standing === 'new-site' || standing === 'extends') extendChain(db, site.id, (held?.headSeq ?? 0) + 1, entries.slice(held?.headSeq ?? 0));
        if (standing === 'extends' || standing === 'same') fillMissingBodies(db, site.id, entries);
        // The chain held moved on (or was seen again, later): the site is judged as of this bundle.
        if (standing !== 'fork' && standing !== 'rollback') judgeHeldSite(db, site.id, bundleId, entries, verification.createdAt!, checkIntervalDays);
        return { site, head, standing, findings };
      })
      .immediate();
  } finally {
    db.close();
  }
}

/** The site's own default between presence checks, for a bundle whose site facts do not say. */
const DEFAULT_CHECK_INTERVAL_DAYS = 90;

/** The bundle's own entries are the held chain whenever it is judged (it extends or repeats that chain, from entry 1), so they are judged without reading them back. */
function judgeHeldSite(db: AuditorDatabase, siteId: string, bundleId: number, entries: readonly HeldEntry[], asOf: string, checkIntervalDays: number): void {
  const kinds = new Set(SITE_STATE_KINDS);
  const judged = entries.filter((e) => kinds.has(e.kind)).map((e) => toLedgerEntry(e));
  saveSiteState(db, siteId, bundleId, summariseSite(judgeSiteEntries(judged, asOf, checkIntervalDays)));
}

function judgeStanding(held: HeldBundle | undefined, hashes: readonly string[], heldPrefix: readonly string[]): AddedBundle['standing'] {
  if (!held) return 'new-site';
  if (heldPrefix.some((hash, i) => hashes[i] !== hash)) return 'fork';
  if (hashes.length < held.headSeq) return 'rollback';
  return hashes.length === held.headSeq ? 'same' : 'extends';
}

/** The SQLite addon to open the auditor database with, where it is not Node's (Electron's main process). */
export interface AuditorBinding {
  readonly nativeBinding?: string;
}


/** Every site the auditor holds bundles of: the furthest head, its checkpoints, and the site's findings, worst first. */
export function auditorOverview(auditorPath: string, binding: AuditorBinding = {}): SiteOverview[] {
  const db = openAuditorDatabase(auditorPath, { create: false, nativeBinding: binding.nativeBinding });
  try {
    const findings = listAuditorFindings(db);
    return listSiteIds(db).map((siteId) => {
      const furthest = furthestBundle(db, siteId)!;
      const count = bundlesOfSite(db, siteId);
      return { siteId, siteName: furthest.siteName, headSeq: furthest.headSeq, headHash: furthest.headHash, checkpoints: furthest.checkpoints, closingHash: furthest.closingHash, lastBundleAt: count.last, bundles: count.n, findings: findings.filter((f) => f.siteId === siteId), state: (readSiteState(db, siteId) as SiteState | undefined) ?? null };
    });
  } finally {
    db.close();
  }
}
