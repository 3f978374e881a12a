import type { KeywardDatabase } from './connection';

/** The sites the storage places name, in order: what a network proof may be bound to. */
export const namedSites = (db: KeywardDatabase): string[] =>
  db.prepare("SELECT DISTINCT site FROM places WHERE site IS NOT NULL AND site <> '' ORDER BY site").pluck().all() as string[];

/** The site where each authenticator is kept (null when its place names none, or it has no place). */
export function sitesOfAuthenticators(db: KeywardDatabase): Map<number, string | null> {
  const rows = db.prepare("SELECT a.id AS id, NULLIF(p.site, '') AS site FROM authenticators a LEFT JOIN places p ON p.id = a.place_id").all() as { id: number; site: string | null }[];
  return new Map(rows.map((r) => [r.id, r.site]));
}
