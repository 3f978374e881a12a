import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { listFindings } from '../findings/findings';
import { addAccount } from '../inventory/inventory';
import { importDirectoryAudits, reconcileDirectoryAudits } from './audits';
import { importEntraExport } from './entra-import';
import { startValidation } from './validation';

const FIXTURES = join(__dirname, '../../test/fixtures/entra');
const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const BG2 = '6fa459ea-ee8a-3ca4-894e-db77e160355e';

describe('importing and reconciling the directory audit log', () => {
  let s: ReturnType<typeof openTestSession>;
  const audits = () => JSON.parse(readFileSync(join(FIXTURES, 'directory-audits.json'), 'utf8')) as { value: Record<string, unknown>[] };
  const file = (name: string, value: unknown) => {
    const path = join(s.dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });
    addAccount(s, { upn: 'bg2@contoso.onmicrosoft.com', objectId: BG2 });
    importEntraExport(s, join(FIXTURES, 'ca-policies.json'));
    importEntraExport(s, join(FIXTURES, 'group-members.json'));
  });
  afterEach(() => s.close());

  it('makes every watched change outside a checkout or validation an open critical finding, and records the reconciliation', () => {
    expect(importDirectoryAudits(s, join(FIXTURES, 'directory-audits.json'))).toMatchObject({ records: 5, added: 5, alreadyImported: false });
    const r = reconcileDirectoryAudits(s);
    expect(r.incidents.map((c) => [c.subject.label, c.what])).toEqual([
      ['bg1@contoso.onmicrosoft.com', 'password reset or changed ("Reset user password")'],
      ['Emergency access exclusions', 'group membership changed ("Add member to group")'],
      ['Require MFA for administrators', 'Conditional Access policy changed ("Update conditional access policy")'],
      ['bg2@contoso.onmicrosoft.com', 'authentication method changed ("User registered security info")'],
    ]);
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'audits.reconciled'").pluck().get() as string);
    expect(entry.payload.incidents).toHaveLength(4);
    expect(listFindings(s).filter((f) => f.kind === 'audit-incident').map((f) => [f.severity, f.title])).toContainEqual(['critical', 'bg1@contoso.onmicrosoft.com: password reset or changed ("Reset user password") outside any checkout or validation']);
  });

  it('explains changes made while a validation cycle is under way', () => {
    const during = audits();
    startValidation(s);
    const at = s.clock.now().toISOString();
    for (const record of during.value) record.activityDateTime = at;
    importDirectoryAudits(s, file('during.json', during));
    expect(reconcileDirectoryAudits(s)).toMatchObject({ incidents: [], explained: expect.arrayContaining([expect.objectContaining({ by: expect.stringMatching(/^validation cycle \(entry \d+\)$/) })]) });
  });

  it('adds nothing the second time, and refuses a malformed or partial export, changing nothing', () => {
    importDirectoryAudits(s, join(FIXTURES, 'directory-audits.json'));
    const head = readHead(s.db);
    expect(importDirectoryAudits(s, join(FIXTURES, 'directory-audits.json'))).toMatchObject({ alreadyImported: true, added: 0 });
    expect(readHead(s.db)).toEqual(head);
    const bad = audits();
    bad.value.push({ ...bad.value[0]!, id: 'new', activityDateTime: 'yesterday' });
    expect(() => importDirectoryAudits(s, file('bad.json', bad))).toThrow(/bad\.json: line 1, column \d+, record 6: activityDateTime "yesterday" is not a date and time.*nothing was imported/);
    expect(() => importDirectoryAudits(s, file('part.json', { ...audits(), value: [{ ...audits().value[0]!, id: 'p' }], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=x' }))).toThrow(/the export is partial/);
    expect(() => importDirectoryAudits(s, join(FIXTURES, 'users.json'))).toThrow(/looks like a users export/);
    expect(readHead(s.db)).toEqual(head);
    expect(s.db.prepare('SELECT count(*) FROM directory_audits').pluck().get()).toBe(5);
  });
});
