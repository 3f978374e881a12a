import { describe, expect, it } from 'vitest';
import { alertQueries, alertRulesTemplate, parseNotify } from './alert-queries';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const GROUP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/**
 * The resource shapes as Microsoft's template reference publishes them (Microsoft.Insights
 * scheduledQueryRules 2023-12-01, actionGroups 2023-01-01): the properties this template sets,
 * their types and allowed values. A property the reference does not name is an error.
 */
type Shape = 'string' | 'boolean' | 'integer' | 'number' | 'duration' | readonly string[] | { readonly list: Shape } | { readonly [key: string]: Shape };
const RULE: Shape = {
  type: ['Microsoft.Insights/scheduledQueryRules'], apiVersion: ['2023-12-01'], name: 'string', location: 'string', kind: ['LogAlert', 'LogToMetric'], dependsOn: { list: 'string' },
  properties: {
    displayName: 'string', description: 'string', severity: [0, 1, 2, 3, 4].map(String), enabled: 'boolean', evaluationFrequency: 'duration', windowSize: 'duration',
    scopes: { list: 'string' }, autoMitigate: 'boolean',
    criteria: { allOf: { list: { query: 'string', timeAggregation: ['Count', 'Average', 'Minimum', 'Maximum', 'Total'], operator: ['Equals', 'GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual'], threshold: 'number', failingPeriods: { numberOfEvaluationPeriods: 'integer', minFailingPeriodsToAlert: 'integer' } } } },
    actions: { actionGroups: { list: 'string' } },
  },
};
const ACTION_GROUP: Shape = {
  type: ['Microsoft.Insights/actionGroups'], apiVersion: ['2023-01-01'], name: 'string', location: 'string',
  properties: {
    groupShortName: 'string', enabled: 'boolean',
    emailReceivers: { list: { name: 'string', emailAddress: 'string', useCommonAlertSchema: 'boolean' } },
    smsReceivers: { list: { name: 'string', countryCode: 'string', phoneNumber: 'string' } },
  },
};
const REQUIRED_RULE = ['location', 'properties.criteria', 'properties.enabled', 'properties.scopes', 'properties.severity', 'properties.evaluationFrequency', 'properties.windowSize'];

function conform(value: unknown, shape: Shape, at: string): string[] {
  if (shape === 'string') return typeof value === 'string' ? [] : [`${at}: not a string`];
  if (shape === 'boolean') return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
  if (shape === 'integer') return Number.isInteger(value) ? [] : [`${at}: not an integer`];
  if (shape === 'number') return typeof value === 'number' ? [] : [`${at}: not a number`];
  if (shape === 'duration') return typeof value === 'string' && /^P(T(\d+H)?(\d+M)?)$/.test(value) ? [] : [`${at}: not an ISO 8601 duration`];
  if (Array.isArray(shape)) return shape.includes(String(value)) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${shape.join(', ')}`];
  if ('list' in shape) return Array.isArray(value) ? value.flatMap((v, i) => conform(v, shape.list as Shape, `${at}[${i}]`)) : [`${at}: not a list`];
  if (!value || typeof value !== 'object') return [`${at}: not an object`];
  const fields = shape as Record<string, Shape>;
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (k in fields ? conform(v, fields[k]!, `${at}.${k}`) : [`${at}.${k}: not in the published schema`]));
}
const get = (o: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

describe('the alert queries and the Azure Monitor alert rules template', () => {
  const queries = alertQueries({ accountIds: [BG1], exclusionGroupIds: [GROUP] });

  it('covers interactive and non-interactive sign-ins by object id, audit activity by and to the accounts, the exclusion groups and Conditional Access', () => {
    expect(queries.map((q) => q.id)).toEqual(['interactive-sign-ins', 'non-interactive-sign-ins', 'activity-by-accounts', 'changes-to-accounts', 'exclusion-group-changes', 'conditional-access-changes']);
    expect(queries[0]!.query).toMatch(/^let emergencyAccounts = dynamic\(\["3f2504e0-4f89-11d3-9a0c-0305e82c3301"\]\);\nSigninLogs\n\| where UserId in \(emergencyAccounts\)/);
    expect(queries[1]!.query).toMatch(/\nAADNonInteractiveUserSignInLogs\n\| where UserId in \(emergencyAccounts\)/);
    expect(queries[2]!.query).toContain('| where tostring(InitiatedBy.user.id) in (emergencyAccounts)');
    expect(queries[3]!.query).toContain('| mv-expand Target = TargetResources\n| where tostring(Target.id) in (emergencyAccounts)');
    expect(queries[4]!.query).toMatch(/let exclusionGroups = dynamic\(\["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"\]\);[\s\S]*"Add member to group", "Remove member from group"/);
    expect(alertQueries({ accountIds: [BG1], exclusionGroupIds: [] }).map((q) => q.id)).not.toContain('exclusion-group-changes');
  });

  it('writes one rule per query, every five minutes at severity 0, each calling the action group with the email and SMS receivers; the shapes are the published ones', () => {
    const template = alertRulesTemplate(queries, parseNotify(['soc@contoso.com'], ['+1 425-555-0100']));
    const parsed = JSON.parse(JSON.stringify(template)) as { $schema: string; resources: Record<string, unknown>[]; parameters: Record<string, unknown> };
    expect(parsed.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
    const [group, ...rules] = parsed.resources;
    expect(conform(group, ACTION_GROUP, 'actionGroup')).toEqual([]);
    expect(get(group, 'properties.emailReceivers')).toEqual([{ name: 'email-1', emailAddress: 'soc@contoso.com', useCommonAlertSchema: true }]);
    expect(get(group, 'properties.smsReceivers')).toEqual([{ name: 'sms-1', countryCode: '1', phoneNumber: '4255550100' }]);
    expect((get(group, 'properties.groupShortName') as string).length).toBeLessThanOrEqual(12);
    expect(rules).toHaveLength(queries.length);
    const groupRef = "[resourceId('Microsoft.Insights/actionGroups', parameters('actionGroupName'))]";
    rules.forEach((rule, i) => {
      expect(conform(rule, RULE, `rule ${i}`)).toEqual([]);
      for (const path of REQUIRED_RULE) expect(get(rule, path), path).not.toBeUndefined();
      expect(rule).toMatchObject({ dependsOn: [groupRef], properties: { severity: 0, evaluationFrequency: 'PT5M', windowSize: 'PT5M', actions: { actionGroups: [groupRef] }, scopes: ["[parameters('workspaceResourceId')]"] } });
      expect(get(rule, 'properties.criteria.allOf.0.query')).toBe(queries[i]!.query);
    });
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(parsed.parameters).toHaveProperty('workspaceResourceId');
  });

  it('refuses receivers that are not an email address or a phone number, and no receiver at all', () => {
    expect(() => parseNotify([], [])).toThrow(/at least one --email or --sms/);
    expect(() => parseNotify(['soc at contoso'], [])).toThrow(/"soc at contoso" is not an email address/);
    expect(() => parseNotify([], ['4255550100'])).toThrow(/"4255550100" is not a phone number as \+COUNTRY NUMBER/);
  });
});
