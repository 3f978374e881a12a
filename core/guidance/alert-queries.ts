/**
 * The Log Analytics (KQL) alert queries the guidance asks for ("monitor sign in and audit log
 * activity from the emergency accounts and trigger notifications"), filled with the accounts'
 * object ids and the groups that exclude them, and the Azure Monitor template that turns each
 * query into an alert rule notifying by email and SMS.
 */
import { invalidInput } from '../errors';

export interface AlertQuery {
  /** Stable, safe in an Azure resource name. */
  readonly id: string;
  readonly title: string;
  readonly query: string;
}

export interface AlertScope {
  readonly accountIds: readonly string[];
  /** Groups that exclude the accounts from Conditional Access, from the imported policies. */
  readonly exclusionGroupIds: readonly string[];
}

const list = (ids: readonly string[]) => ids.map((id) => `"${id.toLowerCase()}"`).join(', ');

export function alertQueries(scope: AlertScope): AlertQuery[] {
  const accounts = `let emergencyAccounts = dynamic([${list(scope.accountIds)}]);`;
  const queries: AlertQuery[] = [
    {
      id: 'interactive-sign-ins',
      title: 'Any interactive sign-in by an emergency access account (successful or not)',
      query: [accounts, 'SigninLogs', '| where UserId in (emergencyAccounts)', '| project TimeGenerated, UserId, UserPrincipalName, AppDisplayName, IPAddress, ResultType, ConditionalAccessStatus'].join('\n'),
    },
    {
      id: 'non-interactive-sign-ins',
      title: 'Any non-interactive sign-in by an emergency access account (tokens refreshed by a client)',
      query: [accounts, 'AADNonInteractiveUserSignInLogs', '| where UserId in (emergencyAccounts)', '| project TimeGenerated, UserId, UserPrincipalName, AppDisplayName, IPAddress, ResultType'].join('\n'),
    },
    {
      id: 'activity-by-accounts',
      title: 'Directory changes made by an emergency access account',
      query: [accounts, 'AuditLogs', '| where tostring(InitiatedBy.user.id) in (emergencyAccounts)', '| project TimeGenerated, OperationName, Category, Result, TargetResources'].join('\n'),
    },
    {
      id: 'changes-to-accounts',
      title: 'Changes to an emergency access account: methods added or removed, password reset, role removed, disabled, deleted',
      query: [accounts, 'AuditLogs', '| mv-expand Target = TargetResources', '| where tostring(Target.id) in (emergencyAccounts)', '| project TimeGenerated, OperationName, Category, Result, InitiatedBy, Target'].join('\n'),
    },
  ];
  if (scope.exclusionGroupIds.length) {
    queries.push({
      id: 'exclusion-group-changes',
      title: 'Members added to or removed from a group that excludes the emergency accounts from Conditional Access',
      query: [
        `let exclusionGroups = dynamic([${list(scope.exclusionGroupIds)}]);`,
        'AuditLogs',
        '| where OperationName in ("Add member to group", "Remove member from group")',
        '| where tostring(TargetResources) has_any (exclusionGroups)',
        '| project TimeGenerated, OperationName, InitiatedBy, TargetResources',
      ].join('\n'),
    });
  }
  const watched = [...scope.accountIds, ...scope.exclusionGroupIds];
  queries.push({
    id: 'conditional-access-changes',
    title: 'Conditional Access policy changes that touch the emergency accounts or their exclusion groups',
    query: [
      `let watched = dynamic([${list(watched)}]);`,
      'AuditLogs',
      '| where Category == "Policy" and OperationName has "conditional access"',
      '| where tostring(TargetResources) has_any (watched) or tostring(AdditionalDetails) has_any (watched)',
      '| project TimeGenerated, OperationName, InitiatedBy, TargetResources',
    ].join('\n'),
  });
  return queries;
}

export interface Notify {
  readonly emails: readonly string[];
  /** Each as a country code and a national number, as Azure Monitor's SMS receivers take them. */
  readonly sms: readonly { readonly countryCode: string; readonly phoneNumber: string }[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads "--email a@b" and "--sms '+1 4255550100'" (country code, a space or hyphen, the number). */
export function parseNotify(emails: readonly unknown[], sms: readonly unknown[]): Notify {
  if (emails.length === 0 && sms.length === 0) throw invalidInput('email', 'give at least one --email or --sms receiver for the alert rules');
  for (const e of emails) if (typeof e !== 'string' || !EMAIL.test(e)) throw invalidInput('email', `${JSON.stringify(e)} is not an email address`);
  const numbers = sms.map((n) => {
    const match = typeof n === 'string' ? /^\+(\d{1,3})[\s-]+([\d\s-]{4,20})$/.exec(n.trim()) : null;
    if (!match) throw invalidInput('sms', `${JSON.stringify(n)} is not a phone number as +COUNTRY NUMBER (e.g. "+1 4255550100")`);
    return { countryCode: match[1]!, phoneNumber: match[2]!.replace(/[\s-]/g, '') };
  });
  return { emails: emails as string[], sms: numbers };
}

const RULE_API = '2023-12-01';
const ACTION_GROUP_API = '2023-01-01';

/**
 * An ARM deployment template: one action group (email and SMS receivers) and one scheduled query
 * rule per query, each evaluated every five minutes over the last five, severity 0, firing on any
 * row and calling the action group. Deployed into a resource group with the workspace's resource id.
 */
export function alertRulesTemplate(queries: readonly AlertQuery[], notify: Notify): Record<string, unknown> {
  const actionGroupId = "[resourceId('Microsoft.Insights/actionGroups', parameters('actionGroupName'))]";
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      workspaceResourceId: { type: 'string', metadata: { description: 'Resource id of the Log Analytics workspace that receives the Entra sign-in and audit logs' } },
      location: { type: 'string', defaultValue: '[resourceGroup().location]' },
      actionGroupName: { type: 'string', defaultValue: 'keyward-emergency-access' },
    },
    resources: [
      {
        type: 'Microsoft.Insights/actionGroups',
        apiVersion: ACTION_GROUP_API,
        name: "[parameters('actionGroupName')]",
        location: 'Global',
        properties: {
          groupShortName: 'breakglass',
          enabled: true,
          emailReceivers: notify.emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
          smsReceivers: notify.sms.map((n, i) => ({ name: `sms-${i + 1}`, countryCode: n.countryCode, phoneNumber: n.phoneNumber })),
        },
      },
      ...queries.map((q) => ({
        type: 'Microsoft.Insights/scheduledQueryRules',
        apiVersion: RULE_API,
        name: `keyward-${q.id}`,
        location: "[parameters('location')]",
        kind: 'LogAlert',
        dependsOn: [actionGroupId],
        properties: {
          displayName: `Emergency access: ${q.title}`,
          description: `${q.title}. Written by Keyward for the emergency access accounts.`,
          severity: 0,
          enabled: true,
          evaluationFrequency: 'PT5M',
          windowSize: 'PT5M',
          scopes: ["[parameters('workspaceResourceId')]"],
          autoMitigate: false,
          criteria: {
            allOf: [{ query: q.query, timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0, failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } }],
          },
          actions: { actionGroups: [actionGroupId] },
        },
      })),
    ],
  };
}
