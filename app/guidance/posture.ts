import { KeywardError } from '../../core/errors';
import { parseText, parseUpn } from '../../core/inventory/inventory';
import { judgePosture, type AccountFacts, type AttestedEvidence, type OrganisationFacts, type PostureRule, type Tristate } from '../../core/guidance/posture';
import { cleanupAttestations } from '../../core/guidance/cleanup-scope';
import { listCustodians } from '../../db/custodians';
import type { EvidenceSource } from '../../core/guidance/tenant-evidence';
import { findAccountByUpn, listAccounts } from '../../db/accounts';
import { listAuthenticators } from '../../db/authenticators';
import { listCheckouts } from '../../db/custody';
import { findFidoCredential } from '../../db/fido-credentials';
import { appendEntry, entriesOfKinds } from '../../db/ledger';
import { accountFactsRecordedAt, organisationFactsRecordedAt, readAccountFacts, readOrganisationFacts, saveAccountFacts, saveOrganisationFacts, type StoredAccountFacts } from '../../db/posture-facts';
import { recorded, type Session } from '../ports';
import { readTenantEvidence } from './tenant-evidence';
import { accessListsByPlace } from './place-access';

function choice<T extends string>(value: unknown, field: string, allowed: readonly T[], current: T): T {
  if (value === undefined || value === '') return current;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new KeywardError('invalid_input', `${field} must be one of ${allowed.join(', ')}`, field);
}
const TRISTATE: readonly Tristate[] = ['yes', 'no', 'unknown'];

/** Records what is known about one emergency account; only the facts given change, and the change is a ledger entry. */
export function recordAccountFacts(session: Session, input: Record<string, unknown>): StoredAccountFacts {
  const upn = parseUpn(input.upn);
  return recorded(session, (at) => {
    const account = findAccountByUpn(session.db, upn);
    if (!account) throw new KeywardError('not_found', `no emergency account ${upn}`, 'upn');
    const now = readAccountFacts(session.db, account.id);
    const facts: StoredAccountFacts = {
      cloudOnly: choice(input.cloudOnly, 'cloudOnly', TRISTATE, now.cloudOnly),
      globalAdmin: choice(input.globalAdmin, 'globalAdmin', ['permanent', 'eligible', 'none', 'unknown'] as const, now.globalAdmin),
      caExcluded: choice(input.caExcluded, 'caExcluded', TRISTATE, now.caExcluded),
      phoneMfa: choice(input.phoneMfa, 'phoneMfa', TRISTATE, now.phoneMfa),
      perUserMfa: choice(input.perUserMfa, 'perUserMfa', TRISTATE, now.perUserMfa),
      personalMethods: choice(input.personalMethods, 'personalMethods', TRISTATE, now.personalMethods),
      mechanism: input.mechanism === undefined ? now.mechanism : parseText(input.mechanism, 'mechanism', { required: false, max: 120 }),
      groups: now.groups,
    };
    saveAccountFacts(session.db, account.id, facts, at.recordedAt);
    appendEntry(session.db, { kind: 'posture.account_facts', actors: [session.actor], payload: { accountId: account.id, upn, ...facts, groups: [...facts.groups] } }, at);
    return facts;
  });
}

export function recordOrganisationFacts(session: Session, input: Record<string, unknown>): OrganisationFacts {
  return recorded(session, (at) => {
    const now = readOrganisationFacts(session.db);
    const facts: OrganisationFacts = {
      adminMechanism: input.adminMechanism === undefined ? now.adminMechanism : parseText(input.adminMechanism, 'adminMechanism', { required: false, max: 120 }),
      signInMonitoring: choice(input.signInMonitoring, 'signInMonitoring', TRISTATE, now.signInMonitoring),
      caStance: choice(input.caStance, 'caStance', ['exclude', 'phishing-resistant'] as const, now.caStance),
      expiryWindowDays: input.expiryWindowDays === undefined ? now.expiryWindowDays : parseDays(input.expiryWindowDays, 'expiryWindowDays', 'the expiry window', 730),
      checkIntervalDays: input.checkIntervalDays === undefined ? now.checkIntervalDays : parseDays(input.checkIntervalDays, 'checkIntervalDays', 'the check interval', 365),
      evidenceIntervalDays: input.evidenceIntervalDays === undefined ? now.evidenceIntervalDays : parseDays(input.evidenceIntervalDays, 'evidenceIntervalDays', 'the evidence interval', 365),
    };
    saveOrganisationFacts(session.db, facts, at.recordedAt);
    appendEntry(session.db, { kind: 'posture.organisation_facts', actors: [session.actor], payload: { ...facts } }, at);
    return facts;
  });
}

function parseDays(value: unknown, field: string, what: string, max: number): number {
  const days = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > max) {
    throw new KeywardError('invalid_input', `${what} must be a whole number of days from 1 to ${max}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`, field);
  }
  return days;
}

/** Typed facts are sourced by the newest ledger entry that recorded them. */
function typedSource(session: Pick<Session, 'db'>, kind: 'posture.account_facts' | 'posture.organisation_facts', at: string | null, accountId?: number): EvidenceSource | null {
  if (!at) return null;
  const entry = entriesOfKinds(session.db, [kind]).filter((e) => accountId === undefined || e.payload.accountId === accountId).at(-1);
  return { file: 'facts recorded by hand', seq: entry?.seq ?? null, recordedAt: entry?.recordedAt ?? at };
}

/** Each account's typed facts and the authenticators bound to it; drill and retired items are never evidence. */
export function gatherAccountFacts(session: Pick<Session, 'db'>): AccountFacts[] {
  const authenticators = listAuthenticators(session.db).filter((a) => a.state !== 'retired' && !a.simulated);
  const open = listCheckouts(session.db, { open: true });
  return listAccounts(session.db).map((account) => {
    const facts = readAccountFacts(session.db, account.id);
    return {
      upn: account.upn,
      objectId: account.objectId,
      ...facts,
      excludedFromAllConditionalAccess: facts.caExcluded,
      factsSource: typedSource(session, 'posture.account_facts', accountFactsRecordedAt(session.db, account.id), account.id),
      authenticators: authenticators
        .filter((a) => a.accountUpn === account.upn)
        .map((a) => {
          const out = open.find((c) => c.authenticatorId === a.id);
          return {
            label: a.label,
            kind: a.kind,
            place: a.placeName,
            expiresAt: a.expiresAt,
            aaguid: a.kind === 'fido2' ? (findFidoCredential(session.db, a.id)?.aaguid ?? null) : null,
            out: out ? { custodian: out.custodian, since: out.checkedOutAt, expectedReturn: out.expectedReturnAt } : null,
            lost: a.state === 'lost',
          };
        }),
    };
  });
}

/** What custodians attested (cleanup exclusions, signed) and recorded (who can open each place), and the custodians who may need a key. */
export function readAttestedEvidence(session: Pick<Session, 'db'>): AttestedEvidence {
  return {
    cleanup: cleanupAttestations(entriesOfKinds(session.db, ['validation.attested'])),
    accessLists: accessListsByPlace(session),
    custodians: listCustodians(session.db).filter((c) => c.active && c.key === 'real').map((c) => c.name),
  };
}

/** Every rule of the guidance, judged on the imported evidence and the recorded facts as they stand now. */
export function assessPosture(session: Pick<Session, 'db' | 'clock'>): PostureRule[] {
  const orgSource = typedSource(session, 'posture.organisation_facts', organisationFactsRecordedAt(session.db));
  return judgePosture(gatherAccountFacts(session), readOrganisationFacts(session.db), session.clock.now(), readTenantEvidence(session), orgSource, readAttestedEvidence(session));
}
