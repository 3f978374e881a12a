import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../core/guidance/entra-import';
import { readHead } from '../../db/ledger';
import { readAccountFacts } from '../../db/posture-facts';
import { openTestSession } from '../../test/support/session';
import { importEntraExport } from './entra-import';
import { addAccount } from '../inventory/inventory';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const BG2 = '6fa459ea-ee8a-3ca4-894e-db77e160355e';
const GROUP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('importing Entra exports into the accounts\' facts', () => {
  let s: ReturnType<typeof openTestSession>;
  const file = (name: string, value: unknown) => {
    const path = join(s.dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const facts = (n: 1 | 2) => readAccountFacts(s.db, n);
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });
    addAccount(s, { upn: 'bg2@contoso.onmicrosoft.com', objectId: BG2 });
  });
  afterEach(() => s.close());

  it('reads sync state from users, permanent or eligible Global Administrator from role assignments, and exclusions from policies', () => {
    importEntraExport(s, file('users.json', { value: [
      { id: BG1, userPrincipalName: 'bg1@contoso.onmicrosoft.com', onPremisesSyncEnabled: null, onPremisesImmutableId: null, memberOf: [{ id: GROUP }] },
      { id: BG2, userPrincipalName: 'bg2@contoso.onmicrosoft.com', onPremisesSyncEnabled: true, onPremisesImmutableId: 'abc==' },
    ] }));
    expect([facts(1).cloudOnly, facts(2).cloudOnly]).toEqual(['yes', 'no']);
    importEntraExport(s, file('roles.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments', value: [{ id: 'r1', principalId: BG1, roleDefinitionId: GLOBAL_ADMINISTRATOR_ROLE, directoryScopeId: '/' }] }));
    importEntraExport(s, file('eligible.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleEligibilitySchedules', value: [{ id: 'e1', principalId: BG2, roleDefinitionId: GLOBAL_ADMINISTRATOR_ROLE, memberType: 'Direct' }] }));
    expect([facts(1).globalAdmin, facts(2).globalAdmin]).toEqual(['permanent', 'eligible']);
    const result = importEntraExport(s, file('ca.json', { value: [
      { id: 'p1', displayName: 'MFA for admins', state: 'enabled', conditions: { users: { includeRoles: ['x'], excludeUsers: [], excludeGroups: [GROUP] } }, grantControls: { builtInControls: ['mfa'] } },
      { id: 'p2', displayName: 'Block legacy auth', state: 'enabled', conditions: { users: { includeUsers: ['All'], excludeUsers: [BG1] } }, grantControls: { builtInControls: ['block'] } },
      { id: 'p3', displayName: 'Report only', state: 'enabledForReportingButNotEnforced', conditions: { users: { includeUsers: ['All'] } }, grantControls: {} },
    ] }));
    expect(result).toMatchObject({ records: 3, changed: ['bg1@contoso.onmicrosoft.com', 'bg2@contoso.onmicrosoft.com'] });
    expect([facts(1).caExcluded, facts(2).caExcluded]).toEqual(['yes', 'no']); // bg1: by group and by user; the report-only policy does not count
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'posture.imported' ORDER BY seq DESC LIMIT 1").pluck().get() as string);
    expect(entry.payload).toMatchObject({ file: 'ca.json', sha256: result.sha256, kinds: ['ca-policy'] });
    const head = readHead(s.db);
    expect(importEntraExport(s, join(s.dir, 'ca.json'))).toMatchObject({ alreadyImported: true });
    expect(readHead(s.db)).toEqual(head);
  });

  it.each([
    ['a policy with an unknown state', { value: [{ id: 'p', state: 'on', conditions: {}, grantControls: {} }] }, /record 1: policy "state" "on"/],
    ['exclusions that are not a list', { value: [{ id: 'p', state: 'enabled', conditions: { users: { excludeUsers: BG1 } } }] }, /record 1: excludeUsers must be a list of ids/],
    ['a user without an id', { value: [{ id: BG1, userPrincipalName: 'a' }, { userPrincipalName: 'b' }] }, /record 2: a user needs an "id"/],
    ['something else entirely', { value: [{ hello: 'world' }] }, /record 1: not a user, a role assignment or a Conditional Access policy/],
  ])('refuses %s, naming the record, and changes nothing', (_name, content, message) => {
    const head = readHead(s.db);
    expect(() => importEntraExport(s, file('bad.json', content))).toThrow(message);
    expect(readHead(s.db)).toEqual(head);
    expect(facts(1).cloudOnly).toBe('unknown');
  });

  describe('refusing an export of the wrong kind or shape before anything changes', () => {
    const refused = (path: string, message: RegExp) => {
      const head = readHead(s.db);
      expect(() => importEntraExport(s, path)).toThrow(message);
      expect(readHead(s.db)).toEqual(head);
      expect(facts(1).cloudOnly).toBe('unknown');
    };
    const signIn = { id: 's1', createdDateTime: '2026-11-20T10:00:00Z', userId: BG1, userPrincipalName: 'bg1@contoso.onmicrosoft.com', status: { errorCode: 0 } };

    it('refuses a sign-in export given as a users export, naming what it looks like', () => {
      refused(file('users.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: [signIn] }), /users\.json looks like a sign-in log export \(its "@odata\.context" is https:\/\/graph\.microsoft\.com\/v1\.0\/\$metadata#auditLogs\/signIns\), not users, role assignments or Conditional Access policies; import it with "keyward signins import"/);
    });

    it('refuses sign-ins without a context, told by their keys', () => {
      const path = join(s.dir, 'users.jsonl');
      writeFileSync(path, `${JSON.stringify(signIn)}\n`);
      refused(path, /looks like a sign-in log export \(its records have "userId" and "createdDateTime"\)/);
    });

    it('refuses the portal\'s sign-in CSV', () => {
      const path = join(s.dir, 'signins.csv');
      writeFileSync(path, 'Date (UTC),Request ID,User ID,Sign-in error code\n');
      refused(path, /signins\.csv looks like a sign-in log export \(its CSV header has a "request id" column\)/);
    });

    it('refuses a Conditional Access policy inside a page of users', () => {
      refused(file('users.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: [{ id: BG1, userPrincipalName: 'a' }, { id: 'p', state: 'enabled', conditions: {}, grantControls: {} }] }), /line 1, column \d+, record 2: a Conditional Access policy, in a page of users \(its "@odata\.context" is https:\/\/graph\.microsoft\.com\/v1\.0\/\$metadata#users\)/);
    });

    it('refuses an empty export: [] and a page with no records', () => {
      refused(file('empty.json', []), /empty\.json: it holds no records \(an empty export\?\); nothing was imported/);
      refused(file('page.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: [] }), /it holds no records/);
    });

    it('refuses a number where a record belongs', () => {
      refused(file('numbers.json', { value: [{ id: BG1, userPrincipalName: 'a' }, 7] }), /line 1, column 81: record 2 is not a JSON object/);
    });

    it('refuses group memberships that are not groups', () => {
      refused(file('users.json', { value: [{ id: BG1, userPrincipalName: 'a', memberOf: ['x'] }] }), /record 1: "memberOf" must be a list of groups, each with an "id"/);
    });

    it('refuses Latin-1 bytes, naming the line and column', () => {
      const path = join(s.dir, 'latin1.json');
      writeFileSync(path, Buffer.from(`{"value":[\n{"id":"${BG1}","userPrincipalName":"m\u00fcller@contoso.com"}]}`, 'latin1'));
      refused(path, /latin1\.json: line 2, column 68: byte 0xFC \(at offset \d+\) is not UTF-8/);
    });
  });

  it('refuses a truncated file', () => {
    const path = join(s.dir, 'cut.json');
    writeFileSync(path, '{"value":[{"id":"x","userPrincipalName":"a"}');
    expect(() => importEntraExport(s, path)).toThrow(/truncated/);
  });
});
