import type { DirectoryAudit } from '../core/guidance/directory-audits';
import type { KeywardDatabase } from './connection';

/** Adds a directory audit record unless one with its id is already kept; says whether it was new. */
export function insertAudit(db: KeywardDatabase, a: DirectoryAudit): boolean {
  const { changes } = db
    .prepare('INSERT OR IGNORE INTO directory_audits (id, activity_at, activity, category, result, initiated_by, initiated_by_upn, targets) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(a.id, a.at, a.activity, a.category, a.result, a.initiatedBy, a.initiatedByUpn, JSON.stringify(a.targets));
  return changes === 1;
}

export const findAuditImport = (db: KeywardDatabase, sha256: string) =>
  db.prepare('SELECT sha256, file_name AS fileName, records, added, imported_at AS importedAt FROM directory_audit_imports WHERE sha256 = ?').get(sha256) as
    | { sha256: string; fileName: string; records: number; added: number; importedAt: string }
    | undefined;

export function recordAuditImport(db: KeywardDatabase, i: { sha256: string; fileName: string; records: number; added: number; importedAt: string }): void {
  db.prepare('INSERT INTO directory_audit_imports (sha256, file_name, records, added, imported_at) VALUES (?, ?, ?, ?, ?)').run(i.sha256, i.fileName, i.records, i.added, i.importedAt);
}

export function listAudits(db: KeywardDatabase): DirectoryAudit[] {
  const rows = db
    .prepare('SELECT id, activity_at AS at, activity, category, result, initiated_by AS initiatedBy, initiated_by_upn AS initiatedByUpn, targets FROM directory_audits ORDER BY activity_at')
    .all() as (Omit<DirectoryAudit, 'targets'> & { targets: string })[];
  return rows.map((r) => ({ ...r, targets: JSON.parse(r.targets) as DirectoryAudit['targets'] }));
}
