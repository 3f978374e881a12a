import { KeywardError } from '../../core/errors';
import { summariseEntry } from '../../core/ledger/entry-summary';
import { heldEntriesOfKinds, heldEntriesPage, openAuditorDatabase } from '../../db/auditor';
import { LEDGER_FAMILIES, type LedgerFamily, type SummarisedLedgerEntry } from '../ledger/ledger-search';
import { auditorOverview, type AuditorBinding, type SiteOverview } from './auditor';
import { SITE_STATE_KINDS, judgeSiteEntries } from './site-judgement';
import type { SiteJudgement } from '../../core/audit/site-view';

/**
 * What the desktop's Auditor mode reads: an auditor database opened from `--auditor FILE`. Every
 * function here only reads; the window it serves has no way to change a site's history.
 */
export interface AuditorSiteView {
  readonly site: SiteOverview;
  /** The site's inventory, every checkout and every finding, judged as of its latest bundle; null until a bundle with entries is added. */
  readonly judgement: SiteJudgement | null;
}

/** Where an auditor window's database comes from: `--auditor FILE` (or `--auditor=FILE`) on the command line, else KEYWARD_AUDITOR_DB. */
export function auditorDatabaseOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('--auditor=')) return nonEmpty(arg.slice('--auditor='.length));
    if (arg === '--auditor') return nonEmpty(argv[i + 1]);
  }
  return env.KEYWARD_AUDITOR_DB ? env.KEYWARD_AUDITOR_DB : undefined;
}

function nonEmpty(path: string | undefined): string {
  if (!path || path.startsWith('--')) throw new KeywardError('invalid_input', '--auditor needs the path of an auditor database (made by "keyward audit add")', 'auditor');
  return path;
}

/** Refuses, before a window opens, a path that is not an auditor database: nothing is created. */
export function checkAuditorDatabase(path: string, binding: AuditorBinding = {}): void {
  openAuditorDatabase(path, { create: false, nativeBinding: binding.nativeBinding }).close();
}

const SITE_ID = /^[0-9a-f]{64}$/;

function siteOf(path: string, siteId: string, binding: AuditorBinding): SiteOverview {
  if (!SITE_ID.test(siteId)) throw new KeywardError('invalid_input', 'a site is named by its id: the 64 hex digits of its first entry', 'siteId');
  const site = auditorOverview(path, binding).find((s) => s.siteId === siteId);
  if (!site) throw new KeywardError('not_found', `this auditor database holds no bundle of site ${siteId.slice(0, 16)}…`, 'siteId');
  return site;
}

/** One site: its summary, and its inventory, custody and findings judged again from the held entries as of the same bundle. */
export function auditorSite(path: string, siteId: string, binding: AuditorBinding = {}): AuditorSiteView {
  const site = siteOf(path, siteId, binding);
  if (!site.state) return { site, judgement: null };
  const db = openAuditorDatabase(path, { create: false, nativeBinding: binding.nativeBinding });
  try {
    return { site, judgement: judgeSiteEntries(heldEntriesOfKinds(db, siteId, SITE_STATE_KINDS), site.state.asOf, site.state.checkIntervalDays) };
  } finally {
    db.close();
  }
}

export interface AuditorLedgerInput {
  readonly siteId: string;
  readonly family?: string;
  readonly text?: string;
  readonly limit?: number;
  readonly beforeSeq?: number;
}

/** A page of a site's held ledger, newest first, narrowed by the same families the site's Ledger screen offers and by text; each entry in words. */
export function auditorLedgerPage(path: string, input: AuditorLedgerInput, binding: AuditorBinding = {}): { entries: SummarisedLedgerEntry[]; total: number } {
  siteOf(path, input.siteId, binding);
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new KeywardError('invalid_input', 'a page holds from 1 to 500 entries', 'limit');
  if (input.beforeSeq !== undefined && (!Number.isInteger(input.beforeSeq) || input.beforeSeq < 1)) throw new KeywardError('invalid_input', 'the page must start before a positive entry number', 'beforeSeq');
  const family = input.family || undefined;
  if (family !== undefined && !Object.hasOwn(LEDGER_FAMILIES, family)) throw new KeywardError('invalid_input', `the kind of event must be one of ${Object.keys(LEDGER_FAMILIES).join(', ')}`, 'family');
  const text = (input.text ?? '').trim();
  if (text.length > 200) throw new KeywardError('invalid_input', 'the search is at most 200 characters', 'text');
  const db = openAuditorDatabase(path, { create: false, nativeBinding: binding.nativeBinding });
  try {
    const { entries, total } = heldEntriesPage(db, input.siteId, { kinds: family ? LEDGER_FAMILIES[family as LedgerFamily] : undefined, text: text || undefined }, { limit, beforeSeq: input.beforeSeq });
    return { entries: entries.map((e) => ({ ...e, summary: summariseEntry(e) })), total };
  } finally {
    db.close();
  }
}
