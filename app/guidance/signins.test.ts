import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { addAccount } from '../inventory/inventory';
import { importSignIns, reconcileSignIns } from './signins';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const record = (id: string, createdDateTime: string, errorCode = 0, userId = BG1) => ({ id, createdDateTime, userId, userPrincipalName: 'bg1@contoso.onmicrosoft.com', appDisplayName: 'Azure Portal', ipAddress: '198.51.100.7', status: { errorCode }, conditionalAccessStatus: 'notApplied' });

describe('importing sign-in exports', () => {
  let s: ReturnType<typeof openTestSession>;
  const file = (name: string, content: string) => {
    const path = join(s.dir, name);
    writeFileSync(path, content);
    return path;
  };
  const kept = () => s.db.prepare('SELECT count(*) FROM signins').pluck().get();
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });
  });
  afterEach(() => s.close());

  it('imports a Graph page, records the file in the ledger, and adds nothing the second time', () => {
    const path = file('page.json', JSON.stringify({ '@odata.context': 'x', value: [record('a', '2026-11-20T10:00:00Z'), record('b', '2026-11-20T11:00:00Z')] }));
    expect(importSignIns(s, path)).toMatchObject({ records: 2, added: 2, alreadyImported: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'signins.imported'").pluck().get() as string);
    expect(entry.payload).toMatchObject({ file: 'page.json', format: 'json', records: 2, added: 2 });
    const head = readHead(s.db);
    expect(importSignIns(s, path)).toMatchObject({ alreadyImported: true, added: 0 });
    expect(readHead(s.db)).toEqual(head);
    // An overlapping export adds only what is new.
    const lines = file('more.jsonl', [record('b', '2026-11-20T11:00:00Z'), record('c', '2026-11-20T12:00:00Z')].map((r) => JSON.stringify(r)).join('\n'));
    expect(importSignIns(s, lines)).toMatchObject({ records: 2, added: 1, alreadyKnown: 1 });
    expect(kept()).toBe(3);
  });

  it('imports the portal CSV export', () => {
    const path = file(
      'portal.csv',
      ['Date (UTC),Request ID,User,Username,User ID,Application,IP address,Status,Sign-in error code,Failure reason,Conditional Access', `2026-11-20T10:00:00Z,req-1,"Break glass, 1",bg1@contoso.onmicrosoft.com,${BG1},Azure Portal,198.51.100.7,Failure,50126,"Invalid username or password",Not Applied`].join('\r\n'),
    );
    expect(importSignIns(s, path)).toMatchObject({ records: 1, added: 1 });
    expect(s.db.prepare('SELECT error_code FROM signins').pluck().get()).toBe(50126);
  });

  it.each([
    ['a truncated JSON file', 'cut.json', JSON.stringify({ value: [record('a', '2026-11-20T10:00:00Z'), record('b', '2026-11-20T11:00:00Z')] }).slice(0, -20), /ends in the middle of record 2/],
    ['a record of the wrong type', 'types.json', JSON.stringify({ value: [record('a', '2026-11-20T10:00:00Z'), { ...record('b', '2026-11-20T11:00:00Z'), status: { errorCode: 'oops' } }] }), /record 2: "status.errorCode" must be a whole number/],
    ['a CSV with unknown columns instead of the needed ones', 'cols.csv', 'When,Who\n2026-11-20,bg1', /has no "request id" column/],
    ['a CSV row with a bad error code', 'code.csv', `Date (UTC),Request ID,User ID,Sign-in error code\n2026-11-20T10:00:00Z,r1,${BG1},0\n2026-11-20T10:00:00Z,r2,${BG1},n/a`, /line 3: sign-in error code "n\/a"/],
  ])('refuses %s, naming where, and writes nothing', (_name, fileName, content, message) => {
    const head = readHead(s.db);
    expect(() => importSignIns(s, file(fileName, content))).toThrow(message);
    expect(kept()).toBe(0);
    expect(readHead(s.db)).toEqual(head);
  });

  it('reconciles: a sign-in with no checkout is an incident in the ledger', () => {
    importSignIns(s, file('one.json', JSON.stringify({ value: [record('x', '2026-11-20T10:00:00Z')] })));
    const result = reconcileSignIns(s);
    expect(result.incidents.map((i) => i.id)).toEqual(['x']);
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'signins.reconciled'").pluck().get() as string);
    expect(entry.payload.incidents).toEqual([{ id: 'x', userId: BG1, createdAt: '2026-11-20T10:00:00.000Z', ip: '198.51.100.7', errorCode: 0 }]);
  });
});
