import { KeywardError } from '../../core/errors';
import { alertQueries, alertRulesTemplate, parseNotify, type AlertQuery } from '../../core/guidance/alert-queries';
import { listAccounts } from '../../db/accounts';
import { checkOutputPath, writeAll, writeOutputFileSync } from '../output-file';
import type { Session } from '../ports';
import { readTenantEvidence } from './tenant-evidence';

/** The alert queries for the recorded accounts and the exclusion groups the imported policies name. */
export function currentAlertQueries(session: Pick<Session, 'db'>): AlertQuery[] {
  const accountIds = listAccounts(session.db).map((a) => a.objectId);
  if (accountIds.length === 0) throw new KeywardError('not_found', 'no emergency accounts are recorded: add them first', 'account');
  const policies = readTenantEvidence(session).caPolicies?.value ?? [];
  return alertQueries({ accountIds, exclusionGroupIds: [...new Set(policies.flatMap((p) => p.exclude.groups))] });
}

/**
 * Writes the Azure Monitor template of one alert rule per query and an action group with the
 * email and SMS receivers given; the receivers and the path are checked before anything is
 * written, and the file is written whole or not at all.
 */
export function writeAlertRulesTemplate(session: Pick<Session, 'db'>, input: { out: unknown; emails: readonly unknown[]; sms: readonly unknown[] }) {
  const notify = parseNotify(input.emails, input.sms);
  const path = checkOutputPath(input.out);
  const queries = currentAlertQueries(session);
  const template = alertRulesTemplate(queries, notify);
  writeOutputFileSync(path, (fd) => writeAll(fd, `${JSON.stringify(template, null, 2)}\n`));
  return { path, rules: queries.map((q) => `keyward-${q.id}`), emails: notify.emails.length, sms: notify.sms.length };
}
