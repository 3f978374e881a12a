import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { killAfter } from '../../test/support/children';
import { openTestSession, temporaryDirectory } from '../../test/support/session';
import { addAccount } from '../inventory/inventory';
import { importSignIns, reconcileSignIns } from './signins';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const record = (id: string, createdDateTime: string, errorCode = 0, userId = BG1) => ({ id, createdDateTime, userId, userPrincipalName: 'bg1@contoso.onmicrosoft.com', appDisplayName: 'Azure Portal', ipAddress: '198.51.100.7', status: { errorCode }, conditionalAccessStatus: 'notApplied' });

describe('importing sign-in exports', () => {
  let s: ReturnType<typeof openTestSession>;
  const file = (name: string, content: string | Buffer) => {
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

  it('counts only the new sign-ins of an export that overlaps one imported before, across many-row writes', () => {
    const jsonl = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => JSON.stringify(record(`r${from + i}`, '2026-11-20T10:00:00Z'))).join('\n');
    expect(importSignIns(s, file('first.jsonl', jsonl(0, 300)))).toMatchObject({ records: 300, added: 300, alreadyKnown: 0 });
    expect(importSignIns(s, file('second.jsonl', jsonl(250, 1001)))).toMatchObject({ records: 751, added: 701, alreadyKnown: 50 });
    expect(kept()).toBe(1001);
  });

  it('refuses an export of 5,000 records whose bad record comes after many rows were written, and keeps nothing of it', () => {
    const head = readHead(s.db);
    const all = Array.from({ length: 5000 }, (_, i) => JSON.stringify(record(`r${i}`, '2026-11-20T10:00:00Z')));
    all[3777] = JSON.stringify({ ...record('r3777', '2026-11-20T10:00:00Z'), createdDateTime: '2026-02-30T10:00:00Z' });
    expect(() => importSignIns(s, file('late-fault.jsonl', all.join('\n')))).toThrow(/late-fault\.jsonl: line 3778.*nothing was imported$/s);
    expect(kept()).toBe(0);
    expect(s.db.prepare('SELECT count(*) FROM signin_imports').pluck().get()).toBe(0);
    expect(readHead(s.db)).toEqual(head);
  });

  it('refuses an export of 52,000 records whose bad record comes after the bulk write dropped the by-user index, and keeps nothing of it, the index included', () => {
    const head = readHead(s.db);
    const index = () => s.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'signins_by_user'").pluck().get();
    const migrated = index();
    const someone = '00000001-0000-0000-0000-000000000000';
    const all = Array.from({ length: 52_000 }, (_, i) => JSON.stringify(record(`r${i}`, '2026-11-20T10:00:00Z', 0, i % 1000 === 0 ? BG1 : someone)));
    all[51_111] = JSON.stringify({ ...record('r51111', '2026-11-20T10:00:00Z'), userId: 'not-a-guid' });
    expect(() => importSignIns(s, file('bulk-fault.jsonl', all.join('\n')))).toThrow(/bulk-fault\.jsonl: line 51112.*"userId" must be an object id.*nothing was imported$/s);
    expect(kept()).toBe(0);
    expect(index()).toBe(migrated);
    expect(readHead(s.db)).toEqual(head);
    all[51_111] = JSON.stringify(record('r51111', '2026-11-20T10:00:00Z', 0, someone));
    expect(importSignIns(s, file('bulk.jsonl', all.join('\n')))).toMatchObject({ records: 52_000, added: 52_000 });
    expect(index()).toBe(migrated);
    expect(reconcileSignIns(s).incidents).toHaveLength(52);
  }, 60_000);

  describe('refusing a whole export for one fault, naming its line and column, writing nothing', () => {
    const refused = (path: string, message: RegExp) => {
      const head = readHead(s.db);
      expect(() => importSignIns(s, path)).toThrow(message);
      expect(kept()).toBe(0);
      expect(s.db.prepare('SELECT count(*) FROM signin_imports').pluck().get()).toBe(0);
      expect(readHead(s.db)).toEqual(head);
    };
    const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(record(`r${i}`, '2026-11-20T10:00:00Z')));
    const CSV_HEADER = 'Date (UTC),Request ID,User ID,Sign-in error code';

    it('refuses 1000 lines of JSON Lines when one of them is a number', () => {
      const all = lines(1000);
      all[499] = '42';
      refused(file('one-bad.jsonl', all.join('\n')), /^one-bad\.jsonl: line 500, column 1: expected a record \(a JSON object\).*found "42\\n.*; nothing was imported$/s);
    });

    it('refuses a line of text inside JSON Lines', () => {
      refused(file('text.jsonl', [...lines(3), 'ERROR: export interrupted', ...lines(3)].join('\n')), /line 4, column 1: expected a record .* found "ERROR: expor/);
    });

    it('refuses [1,2,3]', () => {
      refused(file('numbers.json', '[1,2,3]'), /line 1, column 2: record 1 is not a JSON object/);
    });

    it('refuses [] as an empty export, with no ledger entry', () => {
      refused(file('empty-array.json', '[]'), /empty-array\.json: it holds no sign-ins \(an empty export\?\); nothing was imported/);
    });

    it('refuses an empty Graph page and an empty file', () => {
      refused(file('empty-page.json', '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[]}'), /it holds no sign-ins/);
      refused(file('empty.json', ''), /empty\.json is empty; nothing was imported/);
      refused(file('header-only.csv', `${CSV_HEADER}\r\n`), /it holds no sign-ins/);
    });

    it('refuses arrays nested 200,000 deep', () => {
      refused(file('deep.json', '['.repeat(200_000) + ']'.repeat(200_000)), /line 1, column 2: record 1 is not a JSON object/);
    });

    it('refuses a value of the wrong type, naming the record\'s line and column', () => {
      refused(file('userid.jsonl', [...lines(2), JSON.stringify({ ...record('x', '2026-11-20T10:00:00Z'), userId: 42 })].join('\n')), /line 3, column 1, record 3: "userId" must be an object id/);
    });

    it('refuses 30 February in a JSON record instead of reading it as 2 March', () => {
      refused(file('feb30.json', JSON.stringify({ value: [record('a', '2026-11-20T10:00:00Z'), record('b', '2027-02-30T10:00:00Z')] })), /record 2: createdDateTime "2027-02-30T10:00:00Z" is not a date and time/);
    });

    it('refuses 30 February in a CSV row, naming its column', () => {
      refused(file('feb30.csv', `${CSV_HEADER}\n2026-11-20T10:00:00Z,r1,${BG1},0\n2027-02-30T10:00:00Z,r2,${BG1},0\n`), /line 3: "Date \(UTC\)" \(column 1\) "2027-02-30T10:00:00Z" is not a date and time/);
    });

    it('refuses a CSV quoting error', () => {
      refused(file('quote.csv', `${CSV_HEADER}\n2026-11-20T10:00:00Z,"r1"x,${BG1},0\n`), /line 2, column 26: after a quoted field comes "x,/);
    });

    it('refuses a CSV row with an extra field', () => {
      refused(file('extra.csv', `${CSV_HEADER}\n2026-11-20T10:00:00Z,r1,${BG1},0\n2026-11-20T10:00:00Z,r2,${BG1},0,surprise\n`), /line 3, column 64: a field too many: the header has 4 columns/);
    });

    it('refuses a CSV that ends inside an unclosed quote', () => {
      refused(file('unclosed.csv', `${CSV_HEADER}\n2026-11-20T10:00:00Z,"r1,${BG1},0\n2026-11-20T10:00:00Z,r2,${BG1},0\n`), /line 2, column 22: the CSV ends inside the quoted field that opens here/);
    });

    it('refuses Latin-1 bytes, naming the line and column where they stand', () => {
      const latin1 = Buffer.from(`${CSV_HEADER},Username\n2026-11-20T10:00:00Z,r1,${BG1},0,bg1@contoso.onmicrosoft.com\n2026-11-20T10:00:00Z,r2,${BG1},0,m\u00fcller@contoso.com\n`, 'latin1');
      refused(file('latin1.csv', latin1), /latin1\.csv: line 3, column 65: byte 0xFC \(at offset \d+\) is not UTF-8 \(Latin-1 or Windows-1252 text\?\); export the file as UTF-8; nothing was imported/);
    });

    it('refuses UTF-16 text, saying so', () => {
      refused(file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(1)[0]!, 'utf16le')])), /line 1, column 1: byte 0xFF \(at offset 0\) is not UTF-8 \(the file is UTF-16 text\)/);
    });

    it('refuses a users export given as sign-ins, saying what it looks like', () => {
      refused(file('users.json', JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: [{ id: BG1, userPrincipalName: 'bg1@contoso.onmicrosoft.com' }] })), /users\.json looks like a users export \(its "@odata\.context" is https:\/\/graph\.microsoft\.com\/v1\.0\/\$metadata#users\), not a sign-in log/);
    });

    it('accepts a byte order mark and a character cut in two by the 64 KiB reads', () => {
      const body = lines(400).map((line) => line.replace('Azure Portal', `Portál ${'€'.repeat(100)}`)).join('\n');
      // Leading spaces shift the text until the first read ends inside a three-byte "€".
      let bytes = Buffer.alloc(0);
      for (let pad = 0; pad < 400 && !(bytes.length > 65536 && (bytes[65536]! & 0xc0) === 0x80); pad += 1) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' '.repeat(pad) + body)]);
      expect(bytes[65536]! & 0xc0).toBe(0x80);
      expect(importSignIns(s, file('bom.jsonl', bytes))).toMatchObject({ records: 400, added: 400 });
      expect(s.db.prepare('SELECT DISTINCT app FROM signins').pluck().all()).toEqual([`Portál ${'€'.repeat(100)}`]);
    });
  });

  it('fails a 200 MB CSV with an unclosed quote in a bounded time under a 512 MB heap, exit 1, instead of aborting', () => {
    const dir = temporaryDirectory('keyward-unclosed-quote-');
    try {
      const db = join(dir.path, 'k.db');
      const keyward = (...args: string[]) => spawnSync(process.execPath, ['--max-old-space-size=512', join(import.meta.dirname, '../../cli/bin/keyward.mjs'), '--db', db, ...args], { encoding: 'utf8', ...killAfter(60_000) });
      expect(keyward('init').status).toBe(0);
      expect(keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', BG1).status).toBe(0);
      const big = join(dir.path, 'unclosed.csv');
      const fd = openSync(big, 'w');
      writeSync(fd, `Date (UTC),Request ID,User ID,Sign-in error code\n2026-11-20T10:00:00Z,"r1,${BG1},0\n`);
      const filler = Buffer.alloc(1 << 20, `2026-11-20T10:00:00Z,r2,${BG1},0\n`);
      for (let i = 0; i < 200; i += 1) writeSync(fd, filler);
      closeSync(fd);
      const started = Date.now();
      const run = keyward('signins', 'import', big);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(run.signal).toBeNull();
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/unclosed\.csv: line 2, column 22: the quoted field that opens here runs past 65,536 characters \(an unclosed quote\?\); nothing was imported/);
      expect(run.stderr).not.toMatch(/heap|out of memory/i);
    } finally {
      dir.remove();
    }
  }, 120_000);

  it('reconciles: a sign-in with no checkout is an incident in the ledger', () => {
    importSignIns(s, file('one.json', JSON.stringify({ value: [record('x', '2026-11-20T10:00:00Z')] })));
    const result = reconcileSignIns(s);
    expect(result.incidents.map((i) => i.id)).toEqual(['x']);
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'signins.reconciled'").pluck().get() as string);
    expect(entry.payload.incidents).toEqual([{ id: 'x', userId: BG1, createdAt: '2026-11-20T10:00:00.000Z', ip: '198.51.100.7', errorCode: 0 }]);
  });
});
