import { basename } from 'node:path';
import { KeywardError, isKeywardError } from '../../core/errors';
import { GLOBAL_ADMINISTRATOR_ROLE, entraRecord, type EntraRecord } from '../../core/guidance/entra-import';
import { EXPORT_KIND_NAMES, kindOfContext, type ExportKind } from '../../core/guidance/export-kind';
import { JsonRecordScanner, describeRecord } from '../../core/guidance/record-scanners';
import { listAccounts } from '../../db/accounts';
import { appendEntry, entriesOfKinds } from '../../db/ledger';
import { readAccountFacts, saveAccountFacts, type StoredAccountFacts } from '../../db/posture-facts';
import { recorded, type ProgressReport, type Session } from '../ports';
import { lookAtExportFile, streamExportFile } from './export-file';

/** The record each kind of Entra export holds, and what a page of them is called. */
const RECORD_OF_KIND: Partial<Record<ExportKind, { record: EntraRecord['kind']; page: string }>> = {
  users: { record: 'user', page: 'users' },
  'role-assignments': { record: 'role-assignment', page: 'role assignments' },
  'role-eligibility': { record: 'role-assignment', page: 'role eligibilities' },
  'ca-policies': { record: 'ca-policy', page: 'Conditional Access policies' },
};
const RECORD_NAMES: Record<EntraRecord['kind'], string> = { user: 'a user', 'role-assignment': 'a role assignment', 'ca-policy': 'a Conditional Access policy' };

/**
 * Imports what an administrator exported from Entra elsewhere — users, directory role
 * assignments (active or eligible), Conditional Access policies — into the accounts' facts. The
 * export's kind is checked before it is read (a sign-in log is refused, saying so), then every
 * record, streamed and bounded, before anything changes: the first fault, named by its line and
 * column, stops it. The same file twice changes nothing.
 */
export function importEntraExport(session: Session, path: string, progress?: ProgressReport) {
  const name = basename(path);
  const look = lookAtExportFile(path);
  if (look.format === 'empty') throw new KeywardError('invalid_input', `${name} is empty; nothing was imported`, 'file');
  if (look.kind === 'sign-ins') throw new KeywardError('invalid_input', `${name} looks like ${EXPORT_KIND_NAMES['sign-ins']} (${look.evidence}), not users, role assignments or Conditional Access policies; import it with "keyward signins import"`, 'file');
  if (look.format === 'csv') throw new KeywardError('invalid_input', `${name} is not JSON; import entra reads the Graph JSON export of users, role assignments or Conditional Access policies`, 'file');
  const records: EntraRecord[] = [];
  let sha256: string;
  try {
    const scanner = new JsonRecordScanner((value, place) => {
      const context = typeof place.page?.['@odata.context'] === 'string' ? place.page['@odata.context'] : '';
      const where = describeRecord(place);
      const record = entraRecord(value, where, context);
      // A page says what it holds: a record of another kind in it is a mixed-up file.
      const expected = RECORD_OF_KIND[kindOfContext(context)];
      if (expected && record.kind !== expected.record) throw new KeywardError('invalid_input', `${where}: ${RECORD_NAMES[record.kind]}, in a page of ${expected.page} (its "@odata.context" is ${context})`, 'file');
      records.push(record);
    });
    sha256 = streamExportFile(path, scanner, progress);
    scanner.end();
    if (records.length === 0) throw new KeywardError('invalid_input', 'it holds no records (an empty export?)', 'file');
  } catch (error) {
    if (isKeywardError(error) && error.field !== 'file') throw error;
    throw new KeywardError('invalid_input', `${name}: ${(error as Error).message}; nothing was imported`, 'file');
  }

  return recorded(session, (at) => {
    if (entriesOfKinds(session.db, ['posture.imported']).some((e) => e.payload.sha256 === sha256)) return { file: basename(path), sha256, records: records.length, changed: [] as string[], alreadyImported: true };
    const accounts = listAccounts(session.db);
    const policies = records.filter((r): r is Extract<EntraRecord, { kind: 'ca-policy' }> => r.kind === 'ca-policy' && r.enforced);
    const users = new Map(records.filter((r): r is Extract<EntraRecord, { kind: 'user' }> => r.kind === 'user').map((u) => [u.id, u]));
    const changed: string[] = [];
    for (const account of accounts) {
      const id = account.objectId.toLowerCase();
      const before = readAccountFacts(session.db, account.id);
      const next: { -readonly [K in keyof StoredAccountFacts]: StoredAccountFacts[K] } = { ...before };
      const user = users.get(id);
      if (user && user.cloudOnly !== 'unknown') next.cloudOnly = user.cloudOnly;
      if (user) next.groups = user.groups;
      const ga = records.filter((r): r is Extract<EntraRecord, { kind: 'role-assignment' }> => r.kind === 'role-assignment' && r.principalId === id && r.roleDefinitionId === GLOBAL_ADMINISTRATOR_ROLE);
      if (ga.some((r) => !r.eligible)) next.globalAdmin = 'permanent';
      else if (ga.length && before.globalAdmin !== 'permanent') next.globalAdmin = 'eligible';
      if (policies.length) {
        const groups = next.groups;
        next.caExcluded = policies.every((p) => p.excludeUsers.includes(id) || p.excludeGroups.some((g) => groups.includes(g))) ? 'yes' : 'no';
      }
      if (JSON.stringify(next) !== JSON.stringify(before)) {
        saveAccountFacts(session.db, account.id, next, at.recordedAt);
        changed.push(account.upn);
      }
    }
    appendEntry(
      session.db,
      { kind: 'posture.imported', actors: [session.actor], payload: { file: basename(path), sha256, records: records.length, kinds: [...new Set(records.map((r) => r.kind))], changed } },
      at,
    );
    return { file: basename(path), sha256, records: records.length, changed, alreadyImported: false };
  });
}
