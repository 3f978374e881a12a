import type { TypedAccountFacts } from '../core/guidance/facts-view';
import type { OrganisationFacts } from '../core/guidance/posture';
import type { KeywardDatabase } from './connection';

export interface StoredAccountFacts extends TypedAccountFacts {
  /** Object ids of the groups the account belongs to, from an imported users export. */
  readonly groups: readonly string[];
}

export const UNKNOWN_ACCOUNT_FACTS: StoredAccountFacts = { cloudOnly: 'unknown', globalAdmin: 'unknown', caExcluded: 'unknown', phoneMfa: 'unknown', perUserMfa: 'unknown', personalMethods: 'unknown', mechanism: '', groups: [] };
export const DEFAULT_ORGANISATION_FACTS: OrganisationFacts = { adminMechanism: '', signInMonitoring: 'unknown', caStance: 'exclude', expiryWindowDays: 90, checkIntervalDays: 90, evidenceIntervalDays: 90 };

export function readAccountFacts(db: KeywardDatabase, accountId: number): StoredAccountFacts {
  const row = db
    .prepare(
      `SELECT cloud_only AS cloudOnly, global_admin AS globalAdmin, ca_excluded AS caExcluded, phone_mfa AS phoneMfa, per_user_mfa AS perUserMfa,
       personal_methods AS personalMethods, mechanism, groups FROM account_facts WHERE account_id = ?`,
    )
    .get(accountId) as (Omit<StoredAccountFacts, 'groups'> & { groups: string }) | undefined;
  return row ? { ...row, groups: JSON.parse(row.groups) as string[] } : UNKNOWN_ACCOUNT_FACTS;
}

export const accountFactsRecordedAt = (db: KeywardDatabase, accountId: number): string | null =>
  (db.prepare('SELECT updated_at FROM account_facts WHERE account_id = ?').pluck().get(accountId) as string | undefined) ?? null;

export const organisationFactsRecordedAt = (db: KeywardDatabase): string | null =>
  (db.prepare('SELECT updated_at FROM organisation_facts WHERE id = 1').pluck().get() as string | undefined) ?? null;

export function saveAccountFacts(db: KeywardDatabase, accountId: number, facts: StoredAccountFacts, at: string): void {
  db.prepare(
    `INSERT INTO account_facts (account_id, cloud_only, global_admin, ca_excluded, phone_mfa, per_user_mfa, personal_methods, mechanism, groups, updated_at)
     VALUES (@accountId, @cloudOnly, @globalAdmin, @caExcluded, @phoneMfa, @perUserMfa, @personalMethods, @mechanism, @groups, @at)
     ON CONFLICT (account_id) DO UPDATE SET cloud_only = excluded.cloud_only, global_admin = excluded.global_admin, ca_excluded = excluded.ca_excluded,
       phone_mfa = excluded.phone_mfa, per_user_mfa = excluded.per_user_mfa, personal_methods = excluded.personal_methods, mechanism = excluded.mechanism,
       groups = excluded.groups, updated_at = excluded.updated_at`,
  ).run({ accountId, ...facts, groups: JSON.stringify(facts.groups), at });
}

export function readOrganisationFacts(db: KeywardDatabase): OrganisationFacts {
  const row = db.prepare('SELECT admin_mechanism AS adminMechanism, sign_in_monitoring AS signInMonitoring, ca_stance AS caStance, expiry_window_days AS expiryWindowDays, check_interval_days AS checkIntervalDays, evidence_interval_days AS evidenceIntervalDays FROM organisation_facts WHERE id = 1').get() as OrganisationFacts | undefined;
  return row ?? DEFAULT_ORGANISATION_FACTS;
}

export function saveOrganisationFacts(db: KeywardDatabase, facts: OrganisationFacts, at: string): void {
  db.prepare(
    `INSERT INTO organisation_facts (id, admin_mechanism, sign_in_monitoring, ca_stance, expiry_window_days, check_interval_days, evidence_interval_days, updated_at)
     VALUES (1, @adminMechanism, @signInMonitoring, @caStance, @expiryWindowDays, @checkIntervalDays, @evidenceIntervalDays, @at)
     ON CONFLICT (id) DO UPDATE SET admin_mechanism = excluded.admin_mechanism, sign_in_monitoring = excluded.sign_in_monitoring, ca_stance = excluded.ca_stance, expiry_window_days = excluded.expiry_window_days, check_interval_days = excluded.check_interval_days, evidence_interval_days = excluded.evidence_interval_days, updated_at = excluded.updated_at`,
  ).run({ ...facts, at });
}
