import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/ledger/canonical-json';
import { readHead } from '../../db/ledger';
import { killAfter } from '../../test/support/children';
import { ACCOUNT_1, ACCOUNT_2, openTestSession } from '../../test/support/session';
import { addAccount, addCustodian } from '../inventory/inventory';
import { tamper } from '../../test/support/tamper';
import { exportLedger, recentEntries, verifyExportedLedger, verifyStoredLedger } from './ledger';

type TestSession = ReturnType<typeof openTestSession>;

/** The auditor's Python, not the one a developer's tools may have put first on the PATH. */
const PYTHON = '/usr/bin/python3';

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
    const output = execFileSync(PYTHON, [script, out], { encoding: 'utf8', ...killAfter(20_000) });
    expect(output.trim()).toBe(`ok: 4 entries, head ${headHash}`);

    const lines = readFileSync(out, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('bg2@', 'bg9@');
    writeFileSync(out, lines.join('\n'));
    expect(() => execFileSync(PYTHON, [script, out], { encoding: 'utf8', stdio: 'pipe', ...killAfter(20_000) })).toThrow(/entry 3: content changed/);
  });

  it('names the edited line of a tampered export', () => {
    exportLedger(s.db, out);
    const lines = readFileSync(out, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('Zoë', 'Zoe');
    writeFileSync(out, lines.join('\n'));
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'content_changed' });
  });

  /** Rewrites the export through `damage`, which edits its lines (index 0 is line 1). */
  function damageExport(damage: (lines: string[]) => void): void {
    exportLedger(s.db, out);
    const lines = readFileSync(out, 'utf8').split('\n');
    damage(lines);
    writeFileSync(out, lines.join('\n'));
  }

  /** Runs the README's script on the export; exit status and what it printed. */
  function auditWithPython(): { status: number | null; output: string } {
    const script = join(s.dir, 'audit.py');
    writeFileSync(script, auditorScript());
    const run = spawnSync(PYTHON, [script, out], { encoding: 'utf8', ...killAfter(20_000) });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  const SMUGGLE = (l: string[]) => (l[2] = l[2]!.replace('"label":"Break glass 2"', '"label":"SMUGGLED","label":"Break glass 2"'));

  it('refuses a line with a duplicate key, which SQLite would read as the first and JSON.parse as the last', () => {
    damageExport((l) => {
      const original = l[2];
      SMUGGLE(l);
      expect(canonicalJson(JSON.parse(l[2]!))).toBe(original); // the hash of what JSON.parse reads still matches
    });
    expect(verifyExportedLedger(out)).toEqual({
      ok: false, entries: 2, headSeq: 2, headHash: expect.any(String), firstBadSeq: 3, reason: 'malformed',
      message: 'line 3 is not a ledger entry: duplicate key "label" in $.payload',
    });
  });

  it('refuses a line with a duplicate key in the README script', () => {
    damageExport(SMUGGLE);
    expect(auditWithPython()).toEqual({ status: 1, output: "line 3: duplicate key 'label'\n" });
  });

  // Each edit leaves what JSON.parse reads unchanged, so the hash still matches: only the form is wrong.
  const NON_CANONICAL: [string, number, (line: string) => string, string, RegExp][] = [
    ['1.0 for 1', 3, (l) => l.replace('"seq":3', '"seq":3.0'), 'not in canonical form at column', /line 3: number 3.0 is not a whole number/],
    ['an exponent', 3, (l) => l.replace('"seq":3', '"seq":3e0'), 'not in canonical form at column', /line 3: number 3e0 is not a whole number/],
    ['keys out of order', 3, (l) => l.replace('{"name":"test-operator","role":"operator"}', '{"role":"operator","name":"test-operator"}'), 'not in canonical form at column', /line 3: not in canonical form/],
    ['a space after a colon', 3, (l) => l.replace('"seq":3', '"seq": 3'), 'not in canonical form at column', /line 3: not in canonical form/],
    ['a letter escaped', 4, (l) => l.replace('Zoë', 'Zo\\u00eb'), 'not in canonical form at column', /line 4: not in canonical form/],
    ['an emoji escaped as surrogates', 2, (l) => l.replace('🔑', '\\ud83d\\udd11'), 'not in canonical form at column', /line 2: not in canonical form/],
    ['a quote escaped as \\u0022', 4, (l) => l.replace('\\"the', '\\u0022the'), 'not in canonical form at column', /line 4: not in canonical form/],
    ['a carriage return (CRLF)', 3, (l) => `${l}\r`, 'not in canonical form at column', /line 3: not in canonical form/],
    ['a byte order mark', 1, (l) => `\uFEFF${l}`, 'not JSON', /line 1: Unexpected UTF-8 BOM/],
  ];

  it.each(NON_CANONICAL)('refuses a non-canonical line (%s), naming it', (_name, lineNumber, edit, problem) => {
    damageExport((l) => {
      const edited = edit(l[lineNumber - 1]!);
      // What the old check did: the line re-encoded canonically, then hashed. It would have passed.
      expect(canonicalJson(JSON.parse(edited.replace(/^\uFEFF/, '')))).toBe(l[lineNumber - 1]);
      l[lineNumber - 1] = edited;
    });
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, firstBadSeq: lineNumber, entries: lineNumber - 1, reason: 'malformed', message: expect.stringContaining(`line ${lineNumber} is not a ledger entry: ${problem}`) });
  });

  it.each(NON_CANONICAL)('refuses a non-canonical line (%s) in the README script, naming it', (_name, lineNumber, edit, _problem, python) => {
    damageExport((l) => (l[lineNumber - 1] = edit(l[lineNumber - 1]!)));
    const audit = auditWithPython();
    expect(audit.status).toBe(1);
    expect(audit.output).toMatch(python);
  });

  it('refuses an empty file, naming line 1', () => {
    writeFileSync(out, '');
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, entries: 0, firstBadSeq: 1, reason: 'malformed', message: expect.stringMatching(/^line 1 is not a ledger entry: the file is empty/) });
  });

  it('refuses an empty file in the README script', () => {
    writeFileSync(out, '');
    expect(auditWithPython()).toEqual({ status: 1, output: 'line 1: the file is empty\n' });
  });

  const MALFORMED: [string, (l: string[]) => unknown, RegExp, RegExp][] = [
    ['a line that is not JSON', (l) => (l[1] = '{"seq": 2,'), /^line 2 is not a ledger entry: not JSON/, /^line 2: Expecting/],
    ['a line that is an array', (l) => (l[0] = '[1,2]'), /^line 1 is not a ledger entry: expected a JSON object/, /^line 1: not a JSON object/],
    ['a missing field', (l) => (l[2] = l[2]!.replace(/"hash":"[0-9a-f]+",/, '')), /^line 3 is not a ledger entry: "hash" must be a string/, /^line 3: no field 'hash'/],
    ['a seq that is text', (l) => (l[2] = l[2]!.replace('"seq":3', '"seq":"3"')), /^line 3 .*"seq" must be a whole number/, /^entry 3: missing or out of order \(found seq 3\)/],
    ['a fractional number in a payload', (l) => (l[2] = l[2]!.replace('"payload":{', '"payload":{"x":0.5,')), /^line 3 .*not a safe integer/, /^line 3: number 0.5 is not a whole number/],
    ['an empty line', (l) => l.splice(2, 0, ''), /^line 3 is not a ledger entry: not JSON/, /^line 3: Expecting value/],
  ];

  it.each(MALFORMED)('refuses an export with %s, naming the line', (_name, damage, message) => {
    damageExport(damage);
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringMatching(message) });
  });

  it.each(MALFORMED)('the README script names the line of an export with %s, without a traceback', (_name, damage, _message, python) => {
    damageExport(damage);
    const audit = auditWithPython();
    expect(audit.status).toBe(1);
    expect(audit.output).toMatch(python);
    expect(audit.output).not.toMatch(/Traceback/);
  });

  /** Line 2 with its "ü" written as a byte that UTF-8 never uses, which a lenient reader turns into U+FFFD. */
  function breakUtf8OnLine2(): void {
    exportLedger(s.db, out);
    const bytes = readFileSync(out);
    const at = bytes.indexOf(Buffer.from('ü'));
    writeFileSync(out, Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 2)]));
  }

  it('refuses bytes that are not UTF-8, naming the line', () => {
    breakUtf8OnLine2();
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'malformed', message: 'line 2 is not a ledger entry: not valid UTF-8' });
  });

  it('the README script names the line of bytes that are not UTF-8, without a traceback', () => {
    breakUtf8OnLine2();
    const audit = auditWithPython();
    expect(audit.status).toBe(1);
    expect(audit.output).toMatch(/^line 2: 'utf-8' codec can't decode byte 0xff/);
  });

  it('reports a break before a malformed line first, and a malformed line before a missing head', () => {
    damageExport((l) => {
      l[1] = l[1]!.replace('bg1@', 'bg9@');
      l[3] = '{';
    });
    expect(verifyExportedLedger(out)).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'content_changed' });
    damageExport((l) => (l[3] = '{'));
    expect(verifyExportedLedger(out, { expectHead: 'f'.repeat(64) })).toMatchObject({ ok: false, firstBadSeq: 4, entries: 3, reason: 'malformed' });
  });

  it('refuses to export into a folder that does not exist, before reading the ledger', () => {
    const missing = join(s.dir, 'no-such-folder', 'ledger.jsonl');
    expect(() => exportLedger(s.db, missing)).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'out', message: expect.stringMatching(/^cannot write .*no-such-folder\/ledger\.jsonl: the folder .*no-such-folder does not exist$/) }));
    expect(readdirSync(s.dir)).not.toContain('no-such-folder');
  });

  it('refuses to export onto a folder', () => {
    mkdirSync(out);
    expect(() => exportLedger(s.db, out)).toThrow(expect.objectContaining({ code: 'invalid_input', message: `cannot write ${out}: it is a folder; give the path of a file` }));
    expect(readdirSync(out)).toEqual([]);
  });

  it('leaves the previous export and no temporary file behind when the export fails half-way', () => {
    writeFileSync(out, 'the previous export\n');
    const before = readdirSync(s.dir).sort();
    // Entry 3 now holds a fraction, which the canonical encoding refuses after entries 1 and 2 were encoded.
    tamper(s.path, (db) => db.prepare(`UPDATE ledger_entries SET body = replace(body, '"payload":{', '"payload":{"x":0.5,') WHERE seq = 3`).run());
    expect(() => exportLedger(s.db, out)).toThrow(/not a safe integer/);
    expect(readdirSync(s.dir).sort()).toEqual(before);
    expect(readFileSync(out, 'utf8')).toBe('the previous export\n');
  });

  it('checks the expected head and the paging arguments', () => {
    expect(() => verifyStoredLedger(s.db, { expectHead: 'abc' })).toThrow(/64 hexadecimal characters/);
    expect(recentEntries(s.db, { limit: 2 }).map((e) => e.seq)).toEqual([4, 3]);
    expect(recentEntries(s.db, { limit: 2, beforeSeq: 3 }).map((e) => e.seq)).toEqual([2, 1]);
    expect(() => recentEntries(s.db, { limit: 0 })).toThrow(/limit must be a whole number from 1 to 1000/);
    expect(() => recentEntries(s.db, { beforeSeq: 'x' })).toThrow(/beforeSeq/);
  });
});
