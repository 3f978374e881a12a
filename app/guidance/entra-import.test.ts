import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR_ROLE } from '../../core/guidance/entra-import';
import { readHead } from '../../db/ledger';
import { openTestSession, steppingClock } from '../../test/support/session';
import { listFindings } from '../findings/findings';
import { addAccount, addAuthenticator, addPlace } from '../inventory/inventory';
import { importEntraExport } from './entra-import';
import { assessPosture, recordAccountFacts } from './posture';
import { readValidation } from './validation';
import { readStatus } from '../inventory/status';

const FIXTURES = join(__dirname, '../../test/fixtures/entra');
const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const BG2 = '6fa459ea-ee8a-3ca4-894e-db77e160355e';
const YK5NFC = 'fa2b99dc-9e39-4257-8f92-4a30d23c4118';
const YK5 = 'ee882879-721c-4913-9775-3dfcce97072a';
const ALL = ['users', 'methods-bg1', 'methods-bg2', 'methods-admin', 'methods-policy', 'per-user-mfa-bg1', 'per-user-mfa-bg2', 'role-instances', 'role-eligibility', 'ca-policies', 'group-members'];

describe('Entra exports as posture evidence', () => {
  let s: ReturnType<typeof openTestSession>;
  const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown> & { value: Record<string, unknown>[] };
  const file = (name: string, value: unknown) => {
    const path = join(s.dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const importFixture = (name: string) => importEntraExport(s, join(FIXTURES, `${name}.json`));
  const rule = (id: string, session: Parameters<typeof assessPosture>[0] = s) => assessPosture(session).find((r) => r.id === id)!;
  /** Enrolment needs a key on the desk; its stored credential (what the rules read) is written as enrolment writes it. */
  const keyHeld = (label: string, upn: string, aaguid: string, n: number) => {
    const key = addAuthenticator(s, { kind: 'fido2', label, place: 'HQ safe A', account: upn });
    s.db.prepare("INSERT INTO fido_credentials (authenticator_id, rp_id, credential_id, public_key, aaguid, model, enrolled_at, sign_count, get_info) VALUES (?, 'keyward.invalid', ?, 'pk', ?, 'YubiKey', ?, 0, '{}')")
      .run(key.id, `cred-${n}`, aaguid, '2026-11-25T09:00:00.000Z');
  };

  beforeEach(() => {
    s = openTestSession();
    addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });
    addAccount(s, { upn: 'bg2@contoso.onmicrosoft.com', objectId: BG2 });
    addPlace(s, { name: 'HQ safe A' });
    keyHeld('YK-01', 'bg1@contoso.onmicrosoft.com', YK5NFC, 1);
    keyHeld('YK-02', 'bg2@contoso.onmicrosoft.com', YK5, 2);
  });
  afterEach(() => s.close());

  it('passes every rule the exports answer, each naming its source file, date and the objects it judged', () => {
    for (const name of ALL) expect(importFixture(name)).toMatchObject({ alreadyImported: false });
    const rules = assessPosture(s);
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    for (const id of ['cloud-only', 'accounts-enabled', 'keys-in-custody', 'distinct-mechanism', 'ga-permanent', 'ga-count', 'ca-excluded', 'no-phone-mfa', 'fido2-policy', 'no-per-user-mfa']) {
      expect(byId[id], id).toMatchObject({ result: 'pass' });
      expect(byId[id]!.sources.length, id).toBeGreaterThan(0);
    }
    expect(byId['ga-permanent']).toMatchObject({ evidence: expect.stringMatching(/bg1@contoso\.onmicrosoft\.com: permanent and active.*\[from role-instances\.json, 2026-11-25, entry \d+/), judged: ['bg1@contoso.onmicrosoft.com', 'bg2@contoso.onmicrosoft.com'] });
    expect(byId['ca-excluded']!.evidence).toMatch(/"Require MFA for administrators" through group Emergency access exclusions, "Block legacy authentication" through role Global Administrator/);
    expect(byId['ca-excluded']!.judged).toEqual(['Require MFA for administrators', 'Block legacy authentication']);
    expect(byId['distinct-mechanism']!.evidence).toMatch(/administrators compared: a1b2c3d4-0000-4000-8000-000000000001/);
    expect(byId['ga-count']!.evidence).toMatch(/^3 Global Administrator\(s\)/);
    // The same exports past the evidence interval: each of these rules is stale, naming its files, never a pass.
    const later = assessPosture({ ...s, clock: steppingClock('2027-03-01T09:00:00.000Z') });
    for (const id of ['cloud-only', 'accounts-enabled', 'keys-in-custody', 'distinct-mechanism', 'ga-permanent', 'ga-count', 'ca-excluded', 'no-phone-mfa', 'fido2-policy', 'no-per-user-mfa']) {
      expect(later.find((r) => r.id === id), id).toMatchObject({ result: 'stale', evidence: expect.stringMatching(/STALE: .*\.json of 2026-11-25.* older than the 90-day evidence interval/) });
    }
  });

  it('the same file twice changes nothing', () => {
    importFixture('users');
    const head = readHead(s.db);
    expect(importFixture('users')).toMatchObject({ alreadyImported: true });
    expect(readHead(s.db)).toEqual(head);
  });

  it('fails, as a critical finding, a FIDO2 key registered on an account that Keyward does not hold', () => {
    const methods = fixture('methods-bg1');
    methods.value.push({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'extra-key', displayName: 'Spare', aaGuid: '2fc0579f-8113-47ea-b116-bb5a8db9202a', model: 'YubiKey 5 NFC' });
    importEntraExport(s, file('methods-bg1.json', methods));
    expect(rule('keys-in-custody')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/bg1@contoso\.onmicrosoft\.com: 2 FIDO2 key\(s\) registered.*OUTSIDE CUSTODY: 1 YubiKey 5 Series with NFC key\(s\) \(YubiKey 5 NFC\) against 0 held/) });
    expect(listFindings(s).find((f) => f.id === 'posture-failed:keys-in-custody')).toMatchObject({ severity: 'critical' });
  });

  it('a second key of the same model than the one held is outside custody too', () => {
    const methods = fixture('methods-bg2');
    methods.value.push({ ...methods.value[1]!, id: 'second' });
    importEntraExport(s, file('methods-bg2.json', methods));
    expect(rule('keys-in-custody')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/2 YubiKey 5 Series key\(s\) .* against 1 held/) });
  });

  it('fails ga-permanent when the account is only PIM-eligible, and names a PIM activation as time-bound', () => {
    const active = fixture('role-instances');
    active.value = active.value.filter((r) => r.principalId !== BG2).map((r) => (r.principalId === BG1 ? { ...r, assignmentType: 'Activated', endDateTime: '2026-11-25T17:00:00Z' } : r));
    importEntraExport(s, file('role-instances.json', active));
    const eligible = fixture('role-eligibility');
    eligible.value.push({ ...eligible.value[0]!, id: 'e2', principalId: BG2 });
    importEntraExport(s, file('role-eligibility.json', eligible));
    expect(rule('ga-permanent')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/bg1@contoso\.onmicrosoft\.com: only a PIM activation, time-bound until 2026-11-25T17:00:00\.000Z; bg2@contoso\.onmicrosoft\.com: ELIGIBLE ONLY, not active/) });
  });

  it('counts Global Administrators across the tenant: nine fail', () => {
    const active = fixture('role-instances');
    for (let i = 0; i < 6; i += 1) active.value.push({ ...active.value[2]!, principalId: `00000000-0000-4000-8000-00000000000${i}` });
    importEntraExport(s, file('role-instances.json', active));
    importFixture('role-eligibility');
    expect(rule('ga-count')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/^9 Global Administrator\(s\), active or eligible: more than eight/) });
  });

  it('names each enabled Conditional Access policy that excludes no emergency account; exclusions through a group need its members', () => {
    importFixture('role-instances');
    const policies = fixture('ca-policies');
    policies.value.push({ ...policies.value[0]!, id: 'p4', displayName: 'Require compliant device', conditions: { users: { includeUsers: ['All'], excludeUsers: [] } } });
    importEntraExport(s, file('ca-policies.json', policies));
    expect(rule('ca-excluded')).toMatchObject({ result: 'unknown', evidence: expect.stringMatching(/members not imported for excluded group\(s\) aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/) });
    importFixture('group-members');
    expect(rule('ca-excluded')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/excluding NO emergency account: "Require compliant device"; no account is excluded from all of them/) });
    expect(listFindings(s).find((f) => f.id === 'posture-failed:ca-excluded')).toMatchObject({ severity: 'critical' });
  });

  it('fails an account the users export shows disabled or synchronised, per-user MFA the export shows enforced, and a key model an administrator also uses', () => {
    const users = fixture('users');
    Object.assign(users.value[0]!, { accountEnabled: false });
    Object.assign(users.value[1]!, { onPremisesSyncEnabled: true, onPremisesImmutableId: 'c3luY2VkLWZyb20tYWQ=' });
    importEntraExport(s, file('users.json', users));
    expect(rule('accounts-enabled')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/bg1@contoso\.onmicrosoft\.com: DISABLED; bg2@contoso\.onmicrosoft\.com: enabled \[from users\.json/) });
    expect(rule('cloud-only')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/bg2@contoso\.onmicrosoft\.com: synchronised from on-premises/) });
    const mfa = fixture('per-user-mfa-bg1') as unknown as Record<string, unknown>;
    importEntraExport(s, file('per-user-mfa-bg1.json', { ...mfa, perUserMfaState: 'enforced' }));
    importFixture('per-user-mfa-bg2');
    expect(rule('no-per-user-mfa')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/bg1@contoso\.onmicrosoft\.com: per-user MFA ENFORCED/) });
    const admin = fixture('methods-admin');
    admin.value.push({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'bWV0aG9kLWFkbWluLWtleQ', displayName: 'Adele\'s key', aaGuid: YK5, model: 'YubiKey 5 Series', createdDateTime: '2026-06-01T09:00:00Z' });
    importEntraExport(s, file('methods-admin.json', admin));
    importFixture('methods-bg1');
    importFixture('methods-bg2');
    expect(rule('distinct-mechanism')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/CLASH: bg2@contoso\.onmicrosoft\.com shares FIDO2 YubiKey 5 Series with administrator a1b2c3d4-0000-4000-8000-000000000001/) });
  });

  it('fails a phone, SMS or Authenticator method on an emergency account, and the account as personal', () => {
    const methods = fixture('methods-bg2');
    methods.value.push(fixture('methods-admin').value[2]!);
    importEntraExport(s, file('methods-bg2.json', methods));
    expect(rule('no-phone-mfa')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/bg2@contoso\.onmicrosoft\.com: phone \(mobile phone\)/) });
    expect(rule('not-personal')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/personal methods REGISTERED: mobile phone/) });
  });

  it('fails the FIDO2 policy without attestation, or with key restrictions that block our keys', () => {
    const policy = fixture('methods-policy') as unknown as { authenticationMethodConfigurations: Record<string, unknown>[] };
    const fido2 = policy.authenticationMethodConfigurations[0]!;
    fido2.isAttestationEnforced = false;
    fido2.keyRestrictions = { isEnforced: true, enforcementType: 'allow', aaGuids: [YK5NFC] };
    importEntraExport(s, file('methods-policy.json', policy));
    expect(rule('fido2-policy')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/attestation is NOT ENFORCED.*key restrictions \(allow list\) BLOCK our keys' YubiKey 5 Series/) });
  });

  it('computes the mechanism from the bound keys: two accounts on the same model clash, named as a pair', () => {
    keyHeld('YK-03', 'bg2@contoso.onmicrosoft.com', YK5NFC, 3);
    s.db.prepare("UPDATE authenticators SET state = 'retired' WHERE label = 'YK-02'").run();
    importFixture('methods-admin');
    expect(rule('distinct-mechanism')).toMatchObject({ result: 'fail', evidence: expect.stringMatching(/CLASH: bg1@contoso\.onmicrosoft\.com and bg2@contoso\.onmicrosoft\.com both use FIDO2 YubiKey 5 Series with NFC/) });
  });

  it('makes a rule stale, a warning finding and never a pass, once its evidence is older than the evidence interval', () => {
    importFixture('per-user-mfa-bg1');
    importFixture('per-user-mfa-bg2');
    recordAccountFacts(s, { upn: 'bg1@contoso.onmicrosoft.com', cloudOnly: 'yes' });
    recordAccountFacts(s, { upn: 'bg2@contoso.onmicrosoft.com', cloudOnly: 'yes' });
    expect(rule('no-per-user-mfa').result).toBe('pass');
    const later = { ...s, clock: steppingClock('2027-03-01T09:00:00.000Z') };
    expect(rule('no-per-user-mfa', later)).toMatchObject({ result: 'stale', evidence: expect.stringMatching(/STALE: per-user-mfa-bg1\.json of 2026-11-25, per-user-mfa-bg2\.json of 2026-11-25 older than the 90-day evidence interval/) });
    expect(rule('cloud-only', later)).toMatchObject({ result: 'stale', evidence: expect.stringMatching(/cloud-only \(recorded by hand\).*facts recorded by hand/) });
    expect(listFindings(later).find((f) => f.id === 'posture-stale:no-per-user-mfa')).toMatchObject({ severity: 'warning', kind: 'posture-stale' });
  });

  it('makes a validation due when the administrators\' standing role assignments change between two imports, not when a PIM activation ends', () => {
    importFixture('role-instances');
    const reasons = () => readValidation(s).reasons.filter((r) => r.startsWith('administrator role assignments changed'));
    const active = fixture('role-instances');
    active.value = active.value.filter((r) => r.assignmentType !== 'Activated');
    importEntraExport(s, file('role-instances-2.json', active));
    expect(reasons()).toEqual([]);
    active.value = [active.value[0]!, { ...active.value[1]!, principalId: 'c3d4e5f6-0000-4000-8000-000000000003' }];
    importEntraExport(s, file('role-instances-3.json', active));
    expect(reasons()).toEqual([expect.stringMatching(/^administrator role assignments changed in role-instances-3\.json \(1 added, 1 removed\) on 2026-11-25 \(ledger entry \d+\)$/)]);
    // The header's status (and keyward status) says the same as the Validation screen.
    expect(readStatus(s.db, s.clock.now()).validation).toMatchObject({ due: true, because: expect.stringContaining('administrator role assignments changed in role-instances-3.json') });
  });

  describe('refusing malformed or partial exports, changing nothing', () => {
    const refused = (path: string, message: RegExp) => {
      const head = readHead(s.db);
      expect(() => importEntraExport(s, path)).toThrow(message);
      expect(readHead(s.db)).toEqual(head);
      expect(rule('cloud-only').result).toBe('unknown');
    };
    const users = () => fixture('users');

    it('a last page that links to more', () => {
      refused(file('users.json', { ...users(), '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$skiptoken=X' }), /users\.json: the export is partial: its last page has an "@odata\.nextLink"/);
    });
    it('a roleAssignments export, which cannot tell a permanent assignment from a PIM activation', () => {
      refused(file('roles.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments', value: [{ id: 'r', principalId: BG1, roleDefinitionId: GLOBAL_ADMINISTRATOR_ROLE }] }), /roleAssignments does not tell a permanent assignment from a PIM activation/);
    });
    it('a users export holding none of the emergency accounts', () => {
      refused(file('users.json', { ...users(), value: [users().value[2]] }), /none of its 1 users is an emergency account Keyward holds/);
    });
    it('methods whose context names no user', () => {
      refused(file('m.json', { ...fixture('methods-bg1'), '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#me/authentication/methods' }), /does not say whose it is/);
    });
    it('a FIDO2 method without a GUID AAGUID', () => {
      const m = fixture('methods-bg1');
      m.value[1]!.aaGuid = 'yubikey';
      refused(file('m.json', m), /record 2: a FIDO2 method's "aaGuid" must be a GUID/);
    });
    it('a role instance with an assignment type Graph does not use', () => {
      const r = fixture('role-instances');
      r.value[1]!.assignmentType = 'Permanent';
      refused(file('r.json', r), /record 2: the assignment's "assignmentType" "Permanent" is not one Graph uses/);
    });
    it('a sign-in log, naming the command that imports it', () => {
      refused(file('s.json', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: [{ id: 's', userId: BG1, createdDateTime: '2026-11-20T10:00:00Z' }] }), /looks like a sign-in log export .*keyward signins import/);
    });
    it('a truncated file, an empty page and a user without an id', () => {
      const path = join(s.dir, 'cut.json');
      copyFileSync(join(FIXTURES, 'users.json'), path);
      writeFileSync(path, readFileSync(path, 'utf8').slice(0, 400));
      refused(path, /truncated/);
      refused(file('empty.json', { ...users(), value: [] }), /it holds no records/);
      refused(file('u.json', { ...users(), value: [users().value[0], { userPrincipalName: 'x' }] }), /record 2: a user needs "id"/);
    });
  });
});
