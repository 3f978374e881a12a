import type { PathProof, RecordedProof } from '../../core/netpath/evidence';
import type { PathVerdict } from '../../core/netpath/netpath';
import { entriesOfKinds } from '../../db/ledger';
import { namedSites } from '../../db/netpath-sites';
import type { Session } from '../ports';

export type { RecordedProof };

/** The sites a proof may be bound to, and the latest proof of each site that has one (a proof bound to no site under null). */
export function lastProofPerSite(session: Pick<Session, 'db'>): { readonly sites: readonly string[]; readonly proofs: readonly RecordedProof[] } {
  const latest = new Map<string | null, RecordedProof>();
  for (const entry of entriesOfKinds(session.db, ['netpath.proved'])) {
    const p = entry.payload as Record<string, unknown>;
    const site = typeof p.site === 'string' ? p.site : null;
    latest.set(site, {
      site,
      ledgerSeq: entry.seq,
      recordedAt: entry.recordedAt,
      verdict: String(p.verdict) as PathVerdict,
      summary: String(p.summary ?? ''),
      targets: Array.isArray(p.targets) ? p.targets.map(String) : [],
      paths: Array.isArray(p.paths) ? (p.paths as unknown as PathProof[]) : [],
    });
  }
  const proofs = [...latest.values()].sort((a, b) => (a.site ?? '').localeCompare(b.site ?? ''));
  return { sites: namedSites(session.db), proofs };
}
