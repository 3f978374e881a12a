import { basename } from 'node:path';
import { KeywardError, isKeywardError } from '../../core/errors';
import { activeRole, caPolicy, eligibleRole, fido2Policy, groupRecord, methodRecord, perUserMfaState, userOfContext, userRecord } from '../../core/guidance/entra-import';
import { EXPORT_KIND_NAMES, kindOfContext, type ExportKind } from '../../core/guidance/export-kind';
import { JsonRecordScanner, describeRecord } from '../../core/guidance/record-scanners';
import { adminChanges, type EvidencePiece, type Fido2Policy, type MethodRecord, type PerUserMfa, type UserRecord } from '../../core/guidance/tenant-evidence';
import { listAccounts } from '../../db/accounts';
import { appendEntry, entriesOfKinds } from '../../db/ledger';
import { recorded, type ProgressReport, type Session } from '../ports';
import { lookAtExportFile, streamExportFile } from './export-file';
import { readTenantEvidence } from './tenant-evidence';

const EVIDENCE_KINDS = ['users', 'auth-methods', 'methods-policy', 'per-user-mfa', 'role-instances', 'role-eligibility', 'ca-policies', 'group-members'] as const;
type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
const isEvidenceKind = (kind: ExportKind): kind is EvidenceKind => (EVIDENCE_KINDS as readonly string[]).includes(kind);
const PER_USER: readonly ExportKind[] = ['auth-methods', 'per-user-mfa'];

export interface EntraImportResult {
  readonly file: string;
  readonly sha256: string;
  readonly kind: ExportKind;
  readonly records: number;
  /** What the import says, e.g. "2 emergency accounts", "14 policies". */
  readonly summary: string;
  readonly alreadyImported: boolean;
}

function refuse(name: string, kind: ExportKind, evidence: string): never {
  if (kind === 'sign-ins') throw new KeywardError('invalid_input', `${name} looks like ${EXPORT_KIND_NAMES[kind]} (${evidence}); import it with "keyward signins import"`, 'file');
  if (kind === 'directory-audits') throw new KeywardError('invalid_input', `${name} looks like ${EXPORT_KIND_NAMES[kind]} (${evidence}); import it with "keyward auditlog import"`, 'file');
  if (kind === 'role-assignments') {
    throw new KeywardError('invalid_input', `${name} is ${EXPORT_KIND_NAMES[kind]} (${evidence}): roleAssignments does not tell a permanent assignment from a PIM activation; export roleAssignmentScheduleInstances (active) and roleEligibilitySchedules (eligible) instead`, 'file');
  }
  throw new KeywardError('invalid_input', `${name} is not an Entra export Keyward reads (${evidence}); see "keyward import entra --help" for the exports it takes`, 'file');
}

/** Reads every record of one export into its piece of evidence; the first fault, by line and column, stops it. */
function readPiece(path: string, sniffed: ExportKind, progress?: ProgressReport) {
  let kind: ExportKind | null = null;
  let records = 0;
  const users: UserRecord[] = [];
  const methods = new Map<string, MethodRecord[]>();
  const states: PerUserMfa[] = [];
  const fido2: Fido2Policy[] = [];
  const rows: unknown[] = [];
  const scanner = new JsonRecordScanner((value, place) => {
    const where = describeRecord(place);
    const own = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['@odata.context'] : undefined;
    const context = typeof place.page?.['@odata.context'] === 'string' ? place.page['@odata.context'] : typeof own === 'string' ? own : '';
    const recordKind = context ? kindOfContext(context) : sniffed;
    if (!isEvidenceKind(recordKind)) refuse(`${where}`, recordKind, context ? `its "@odata.context" is ${context}` : 'no "@odata.context" says what it is');
    if (kind !== null && recordKind !== kind) throw new KeywardError('invalid_input', `${where}: ${EXPORT_KIND_NAMES[recordKind]}, in a file of ${EXPORT_KIND_NAMES[kind]}; export each kind to its own file`, 'file');
    kind = recordKind;
    records += 1;
    const user = PER_USER.includes(recordKind) ? userOfContext(context) : null;
    if (PER_USER.includes(recordKind) && !user) throw new KeywardError('invalid_input', `${where}: the export does not say whose it is (its "@odata.context" names no users('…'))`, 'file');
    switch (recordKind) {
      case 'users':
        users.push(userRecord(value, where));
        break;
      case 'auth-methods':
        methods.set(user!, [...(methods.get(user!) ?? []), methodRecord(value, where)]);
        break;
      case 'per-user-mfa':
        states.push({ user: user!, state: perUserMfaState(value, where) });
        break;
      case 'methods-policy': {
        const found = fido2Policy(value, where);
        if (found) fido2.push(found);
        break;
      }
      case 'role-instances':
        rows.push(activeRole(value, where));
        break;
      case 'role-eligibility':
        rows.push(eligibleRole(value, where));
        break;
      case 'ca-policies':
        rows.push(caPolicy(value, where));
        break;
      case 'group-members':
        rows.push(groupRecord(value, where));
        break;
    }
  });
  const sha256 = streamExportFile(path, scanner, progress);
  scanner.end();
  if (records === 0 || kind === null) throw new KeywardError('invalid_input', 'it holds no records (an empty export?)', 'file');
  const next = scanner.lastPage?.['@odata.nextLink'];
  if (typeof next === 'string') throw new KeywardError('invalid_input', 'the export is partial: its last page has an "@odata.nextLink" (request it and add the pages that follow)', 'file');
  return { sha256, kind: kind as EvidenceKind, records, users, methods, states, fido2, rows };
}

function pieceOf(read: ReturnType<typeof readPiece>, emergency: (user: { id: string; upn: string }) => boolean): { piece: EvidencePiece; summary: string } {
  switch (read.kind) {
    case 'users': {
      const ours = read.users.filter((u) => emergency(u));
      if (ours.length === 0) throw new KeywardError('invalid_input', `none of its ${read.users.length} users is an emergency account Keyward holds`, 'file');
      return { piece: { kind: 'users', users: ours }, summary: `${ours.length} emergency account(s) of ${read.users.length} users` };
    }
    case 'auth-methods':
      return { piece: { kind: 'auth-methods', methods: [...read.methods].map(([user, methods]) => ({ user, methods })) }, summary: `methods of ${[...read.methods.keys()].join(', ')}` };
    case 'per-user-mfa':
      return { piece: { kind: 'per-user-mfa', states: read.states }, summary: read.states.map((s) => `${s.user}: ${s.state}`).join(', ') };
    case 'methods-policy':
      if (read.fido2.length !== 1) throw new KeywardError('invalid_input', `it holds ${read.fido2.length} FIDO2 configurations; one was expected`, 'file');
      return { piece: { kind: 'methods-policy', fido2: read.fido2[0]! }, summary: `FIDO2 ${read.fido2[0]!.state}` };
    case 'role-instances':
      return { piece: { kind: 'role-instances', roles: read.rows as never }, summary: `${read.rows.length} active role assignment(s)` };
    case 'role-eligibility':
      return { piece: { kind: 'role-eligibility', roles: read.rows as never }, summary: `${read.rows.length} eligible role assignment(s)` };
    case 'ca-policies':
      return { piece: { kind: 'ca-policies', policies: read.rows as never }, summary: `${read.rows.length} Conditional Access polic(ies)` };
    case 'group-members':
      return { piece: { kind: 'group-members', groups: read.rows as never }, summary: `${read.rows.length} group(s)` };
  }
}

/**
 * Imports one Graph export an administrator took with read-only rights (see GRAPH_EXPORTS) as
 * evidence the posture rules judge. The export's kind is checked before it is read, then every
 * record, streamed and bounded, before anything changes: the first fault, named by its line and
 * column, a partial export (a last page that links to more) or an export that says nothing about
 * the emergency accounts stops it. The same file twice changes nothing.
 */
export function importEntraExport(session: Session, path: string, progress?: ProgressReport): EntraImportResult {
  const name = basename(path);
  const look = lookAtExportFile(path);
  if (look.format === 'empty') throw new KeywardError('invalid_input', `${name} is empty; nothing was imported`, 'file');
  if (look.format === 'csv' || (look.kind !== 'unknown' && !isEvidenceKind(look.kind))) {
    if (look.format === 'csv' && look.kind !== 'sign-ins') throw new KeywardError('invalid_input', `${name} is not JSON; import entra reads Graph's JSON exports`, 'file');
    refuse(name, look.kind, look.evidence);
  }
  const accounts = listAccounts(session.db);
  const emergency = (u: { id: string; upn: string }) => accounts.some((a) => a.objectId.toLowerCase() === u.id || a.upn.toLowerCase() === u.upn);
  let read: ReturnType<typeof readPiece>;
  let built: ReturnType<typeof pieceOf>;
  try {
    read = readPiece(path, look.kind, progress);
    built = pieceOf(read, emergency);
  } catch (error) {
    if (isKeywardError(error) && error.field !== 'file') throw error;
    throw new KeywardError('invalid_input', `${name}: ${(error as Error).message}; nothing was imported`, 'file');
  }
  const { sha256, kind, records } = read;
  return recorded(session, (at) => {
    if (entriesOfKinds(session.db, ['posture.imported']).some((e) => e.payload.sha256 === sha256)) return { file: name, sha256, kind, records, summary: built.summary, alreadyImported: true };
    // Administrators' role assignments that changed since the previous import of the same export are an IT staff change: a validation falls due.
    const evidence = readTenantEvidence(session);
    const previous = built.piece.kind === 'role-instances' ? evidence.activeRoles : built.piece.kind === 'role-eligibility' ? evidence.eligibleRoles : null;
    const changes = previous && (built.piece.kind === 'role-instances' || built.piece.kind === 'role-eligibility') ? adminChanges(previous.value, built.piece.roles) : null;
    const staff = changes && (changes.added.length || changes.removed.length) ? { added: [...changes.added], removed: [...changes.removed], since: previous!.source.file } : null;
    appendEntry(session.db, { kind: 'posture.imported', actors: [session.actor], payload: { file: name, sha256, kind, records, summary: built.summary, evidence: built.piece as never, adminChanges: staff } }, at);
    return { file: name, sha256, kind, records, summary: built.summary, alreadyImported: false };
  });
}
