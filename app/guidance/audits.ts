import { basename } from 'node:path';
import { KeywardError, isKeywardError } from '../../core/errors';
import { auditFromGraph, reconcileAudits, watchedChanges, type AuditReconciliation, type AuditScope, type ValidationWindow } from '../../core/guidance/directory-audits';
import { EXPORT_KIND_NAMES } from '../../core/guidance/export-kind';
import { JsonRecordScanner, describeRecord } from '../../core/guidance/record-scanners';
import { listAccounts } from '../../db/accounts';
import { findAuditImport, insertAudit, listAudits, recordAuditImport } from '../../db/directory-audits';
import { appendEntry, entriesOfKinds } from '../../db/ledger';
import { checkoutWindows } from '../../db/signins';
import { recorded, type ProgressReport, type Session } from '../ports';
import { lookAtExportFile, streamExportFile } from './export-file';
import { readTenantEvidence } from './tenant-evidence';

/**
 * Imports a Graph directory audit export (auditLogs/directoryAudits: JSON pages, an array or JSON
 * Lines), streamed in one transaction; the first fault, by line and column, undoes it all, and so
 * does an export with no records. Importing the same records again adds nothing.
 */
export function importDirectoryAudits(session: Session, path: string, progress?: ProgressReport) {
  const name = basename(path);
  const look = lookAtExportFile(path);
  if (look.format === 'empty') throw new KeywardError('invalid_input', `${name} is empty; nothing was imported`, 'file');
  if (look.format === 'csv' || (look.kind !== 'directory-audits' && look.kind !== 'unknown')) {
    throw new KeywardError('invalid_input', `${name} looks like ${EXPORT_KIND_NAMES[look.kind]} (${look.evidence}), not a directory audit log (auditLogs/directoryAudits)`, 'file');
  }
  let records = 0;
  let added = 0;
  try {
    return recorded(session, (at) => {
      const scanner = new JsonRecordScanner((value, place) => {
        records += 1;
        if (insertAudit(session.db, auditFromGraph(value, describeRecord(place)))) added += 1;
      });
      const sha256 = streamExportFile(path, scanner, progress);
      scanner.end();
      if (records === 0) throw new KeywardError('invalid_input', 'it holds no audit records (an empty export?)', 'file');
      if (typeof scanner.lastPage?.['@odata.nextLink'] === 'string') throw new KeywardError('invalid_input', 'the export is partial: its last page has an "@odata.nextLink" (request it and add the pages that follow)', 'file');
      if (findAuditImport(session.db, sha256)) return { file: name, sha256, records, added: 0, alreadyImported: true };
      recordAuditImport(session.db, { sha256, fileName: name, records, added, importedAt: at.recordedAt });
      appendEntry(session.db, { kind: 'audits.imported', actors: [session.actor], payload: { file: name, sha256, records, added } }, at);
      return { file: name, sha256, records, added, alreadyImported: false };
    });
  } catch (error) {
    if (isKeywardError(error) && error.field !== 'file') throw error;
    throw new KeywardError('invalid_input', `${name}: ${(error as Error).message}; nothing was imported`, 'file');
  }
}

/** The accounts, the groups that exclude them from Conditional Access, and the policies that name either, from the imported evidence. */
export function auditScope(session: Pick<Session, 'db'>): AuditScope {
  const accounts = listAccounts(session.db).map((a) => ({ objectId: a.objectId.toLowerCase(), upn: a.upn }));
  const evidence = readTenantEvidence(session);
  const policies = evidence.caPolicies?.value ?? [];
  const groupIds = [...new Set(policies.flatMap((p) => p.exclude.groups))];
  const exclusionGroups = groupIds.map((id) => ({ id, name: evidence.groups.get(id)?.value.name ?? id }));
  const named = new Set([...accounts.map((a) => a.objectId), ...groupIds]);
  const touching = policies.filter((p) => [...p.exclude.users, ...p.exclude.groups, ...p.include.users, ...p.include.groups].some((id) => named.has(id)));
  return { accounts, exclusionGroups, policies: touching.map((p) => ({ id: p.id, name: p.name })) };
}

/** Validation cycles from the ledger: each from its start to its completion. */
export function validationWindows(session: Pick<Session, 'db'>): ValidationWindow[] {
  const entries = entriesOfKinds(session.db, ['validation.started', 'validation.completed']);
  return entries
    .filter((e) => e.kind === 'validation.started')
    .map((e) => ({ startedSeq: e.seq, from: e.recordedAt, to: entries.find((c) => c.kind === 'validation.completed' && c.payload.validationSeq === e.seq)?.recordedAt ?? null }));
}

/** What the imported audit records say happened to the watched objects, and which of it no checkout or validation explains. */
export function judgeAudits(session: Pick<Session, 'db' | 'clock'>): AuditReconciliation {
  return reconcileAudits(watchedChanges(listAudits(session.db), auditScope(session)), checkoutWindows(session.db), validationWindows(session), session.clock.now());
}

/** Reconciles the imported audit records and records the outcome. */
export function reconcileDirectoryAudits(session: Session): AuditReconciliation & { ledgerSeq: number } {
  const result = judgeAudits(session);
  const entry = recorded(session, (at) =>
    appendEntry(
      session.db,
      {
        kind: 'audits.reconciled',
        actors: [session.actor],
        payload: {
          explained: result.explained.length,
          incidents: result.incidents.map((c) => ({ id: c.audit.id, at: c.audit.at, activity: c.audit.activity, subject: c.subject.label, by: c.audit.initiatedByUpn || c.audit.initiatedBy })),
        },
      },
      at,
    ),
  );
  return { ...result, ledgerSeq: entry.seq };
}
