import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { ACCOUNT_1, ACCOUNT_2, openTestSession } from '../../test/support/session';
import { addAccount, addCustodian } from '../inventory/inventory';
import { exportLedger, recentEntries, verifyExportedLedger, verifyStoredLedger } from './ledger';

type TestSession = ReturnType<typeof openTestSession>;

function auditorScript(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- auditor-script:start -->\s*```python\n([\s\S]*?)```\s*<!-- auditor-script:end -->/.exec(readme);
  if (!block) throw new Error('README has no auditor script block');
  return block[1]!;
}

describe('ledger export', () => {
  let s: TestSession;
  let out: string;
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, { ...ACCOUNT_1, label: 'Notfall-Zugang «Zürich» 🔑' });
    addAccount(s, ACCOUNT_2);
    addCustodian(s, { name: 'Zoë O\'Brien "the second"' });
    out = join(s.dir, 'ledger.jsonl');
  });
  afterEach(() => s.close());

  it('writes one canonical entry per line that verifies on its own', () => {
    const result = exportLedger(s.db, out);
    expect(result).toEqual({ entries: 4, headHash: readHead(s.db).hash });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 2, kind: 'account.added', payload: { upn: ACCOUNT_1.upn } });
    expect(verifyExportedLedger(out)).toEqual({ ok: true, entries: 4, headSeq: 4, headHash: result.headHash });
    expect(verifyExportedLedger(out, { expectHead: result.headHash }).ok).toBe(true);
  });

  it('is re-computed by the independent script in the README', () => {
    const { headHash } = exportLedger(s.db, out);
    const script = join(s.dir, 'audit.py');
    writeFileSync(script, auditorScript());
    const output = execFileSync('python3', [script, out], { encoding: 'utf8' });
    expect(output.trim()).toBe(`ok: 4 entries, head ${headHash}`);

    const lines = readFileSync(out, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('bg2@', 'bg9@');
    writeFileSync(out, lines.join('\n'));
    expect(() => execFileSync('python3', [script, out], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/entry 3: content changed/);
  });

  it('names the edited line of a tampered export', () => {
    exportLedger(s.db, out);
    const lines = readFileSync(out, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('Zoë', 'Zoe');
    writeFileSync(out, lines.join('\n'));
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'content_changed' });
  });

  it.each([
    ['a line that is not JSON', (l: string[]) => (l[1] = '{"seq": 2,'), /line 2 is not a ledger entry/],
    ['a line that is an array', (l: string[]) => (l[0] = '[1,2]'), /line 1 is not a ledger entry: expected a JSON object/],
    ['a seq that is text', (l: string[]) => (l[2] = l[2]!.replace('"seq":3', '"seq":"3"')), /line 3 .*"seq" must be a whole number/],
    ['a fractional number in a payload', (l: string[]) => (l[2] = l[2]!.replace('"payload":{', '"payload":{"x":0.5,')), /line 3 .*not a safe integer/],
  ])('rejects an export with %s, naming the line', (_name, damage, message) => {
    exportLedger(s.db, out);
    const lines = readFileSync(out, 'utf8').split('\n');
    damage(lines);
    writeFileSync(out, lines.join('\n'));
    expect(() => verifyExportedLedger(out)).toThrow(message);
  });

  it('checks the expected head and the paging arguments', () => {
    expect(() => verifyStoredLedger(s.db, { expectHead: 'abc' })).toThrow(/64 hexadecimal characters/);
    expect(recentEntries(s.db, { limit: 2 }).map((e) => e.seq)).toEqual([4, 3]);
    expect(recentEntries(s.db, { limit: 2, beforeSeq: 3 }).map((e) => e.seq)).toEqual([2, 1]);
    expect(() => recentEntries(s.db, { limit: 0 })).toThrow(/limit must be a whole number from 1 to 1000/);
    expect(() => recentEntries(s.db, { beforeSeq: 'x' })).toThrow(/beforeSeq/);
  });
});
