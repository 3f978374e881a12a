import { assessPosture, kqlAlertQueries, recordAccountFacts, recordOrganisationFacts } from '../../app/guidance/posture';
import { importEntraExport } from '../../app/guidance/entra-import';
import type { Command } from '../command';
import { table } from '../format';

const yn = (help: string) => ({ type: 'string' as const, value: 'yes|no|unknown', help });

export const postureCommands: Command[] = [
  {
    path: ['account', 'facts'],
    summary: 'Record what is known about an emergency account (only the facts given change)',
    options: {
      upn: { type: 'string', required: true, value: 'UPN', help: 'the account' },
      'cloud-only': yn('cloud-only, not synchronised or federated'),
      'global-admin': { type: 'string', value: 'permanent|eligible|none|unknown', help: 'Global Administrator assignment' },
      'ca-excluded': yn('excluded from every Conditional Access policy'),
      'phone-mfa': yn('phone-based MFA registered'),
      'per-user-mfa': yn('per-user MFA enabled'),
      'personal-methods': yn("a personal phone or key registered to the account"),
      mechanism: { type: 'string', value: 'TEXT', help: 'how the account authenticates, e.g. "FIDO2 key"' },
    },
    run: ({ options, session }) => {
      const facts = recordAccountFacts(session(), {
        upn: options.upn,
        cloudOnly: options['cloud-only'],
        globalAdmin: options['global-admin'],
        caExcluded: options['ca-excluded'],
        phoneMfa: options['phone-mfa'],
        perUserMfa: options['per-user-mfa'],
        personalMethods: options['personal-methods'],
        mechanism: options.mechanism,
      });
      return { value: facts, human: `recorded facts for ${options.upn}` };
    },
  },
  {
    path: ['org', 'facts'],
    summary: "Record the organisation's facts: normal admins' mechanism, sign-in monitoring, Conditional Access stance, certificate expiry window",
    options: {
      'admin-mechanism': { type: 'string', value: 'TEXT', help: "the mechanism normal administrators use" },
      monitoring: yn('sign-in monitoring of the emergency accounts is configured'),
      'ca-stance': { type: 'string', value: 'exclude|phishing-resistant', help: 'exclude emergency accounts from CA, or protect them with phishing-resistant CA' },
      'expiry-window': { type: 'string', value: 'DAYS', help: 'certificates expiring within this many days are a finding (default 90)' },
      'check-interval': { type: 'string', value: 'DAYS', help: 'days between presence checks of an item and between network proofs (default 90)' },
    },
    run: ({ options, session }) => {
      const facts = recordOrganisationFacts(session(), { adminMechanism: options['admin-mechanism'], signInMonitoring: options.monitoring, caStance: options['ca-stance'], expiryWindowDays: options['expiry-window'], checkIntervalDays: options['check-interval'] });
      return { value: facts, human: 'recorded the organisation\'s facts' };
    },
  },
  {
    path: ['posture'],
    summary: 'Judge the accounts against the guidance; exit 2 if any rule fails',
    options: {},
    run: ({ session }) => {
      const rules = assessPosture(session());
      const failed = rules.some((r) => r.result === 'fail');
      return {
        value: { ok: !failed, rules },
        human: table(['RESULT', 'RULE', 'EVIDENCE'], rules.map((r) => [r.result.toUpperCase(), r.title, r.evidence])),
        exitCode: failed ? 2 : 0,
      };
    },
  },
  {
    path: ['import', 'entra'],
    summary: 'Import a Graph export (users, role assignments, Conditional Access policies) into the accounts\' facts',
    options: {},
    positional: { name: 'file', help: 'the exported JSON' },
    run: ({ options, session }) => {
      const result = importEntraExport(session(), String(options.file));
      return {
        value: result,
        human: result.alreadyImported ? `${result.file} was imported before; nothing changed` : `imported ${result.records} records from ${result.file}; facts changed for: ${result.changed.join(', ') || 'no account'}`,
      };
    },
  },
  {
    path: ['kql'],
    summary: 'Print the Log Analytics alert queries for the emergency accounts',
    options: {},
    run: ({ session }) => {
      const queries = kqlAlertQueries(session());
      return { value: queries, human: `${queries.signIns}\n\n${queries.conditionalAccessChanges}` };
    },
  },
];
