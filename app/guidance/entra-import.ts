import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { KeywardError, isKeywardError } from '../../core/errors';
import { GLOBAL_ADMINISTRATOR_ROLE, entraRecord, type EntraRecord } from '../../core/guidance/entra-import';
import { JsonRecordScanner } from '../../core/guidance/record-scanners';
import { listAccounts } from '../../db/accounts';
import { appendEntry, entriesOfKinds } from '../../db/ledger';
import { readAccountFacts, saveAccountFacts, type StoredAccountFacts } from '../../db/posture-facts';
import { recorded, type Session } from '../ports';

/**
 * Imports what an administrator exported from Entra elsewhere — users, directory role
 * assignments (active or eligible), Conditional Access policies — into the accounts' facts. All
 * records are checked before anything changes; the same file twice changes nothing.
 */
export function importEntraExport(session: Session, path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot read ${path}: ${(error as Error).message}`, 'file');
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const context = /"@odata\.context"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? '';
  const records: EntraRecord[] = [];
  try {
    const scanner = new JsonRecordScanner((json, index) => records.push(entraRecord(JSON.parse(json), `record ${index + 1}`, context)));
    scanner.push(text);
    scanner.end();
  } catch (error) {
    if (isKeywardError(error)) throw error;
    throw new KeywardError('invalid_input', `${basename(path)}: ${(error as Error).message}; nothing was imported`, 'file');
  }
  if (records.length === 0) throw new KeywardError('invalid_input', `${basename(path)} holds no records`, 'file');

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
