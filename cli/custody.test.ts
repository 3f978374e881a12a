import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-custody-');
afterAll(() => dir.remove());

describe('custody from the command line, as a scripted drill with drill keys', () => {
  it('enrols custodians, checks a key out and back in, countersigns an emergency checkout, and reports what is out', async () => {
    const db = join(dir.path, 'custody.db');
    const keyward = keywardAt(db, dir.path, steppingClock());
    await keyward('init');
    // Anyone at the machine enrolling themselves is refused: the circle is founded by two together.
    expect(await keyward('custodian', 'enroll', '--name', 'Eve Intruder', '--approver', 'Mallory Intruder', '--approver', 'Eve Intruder', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('is not founded yet') });
    expect((await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated')).code).toBe(0);
    expect(await keyward('custodian', 'found', '--first', 'Eve Intruder', '--second', 'Mallory Intruder', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('already founded') });
    expect(await keyward('custodian', 'enroll', '--name', 'Eve Intruder', '--approver', 'Mallory Intruder', '--approver', 'Alice Example', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('no custodian named "Mallory Intruder"') });
    expect(await keyward('custodian', 'enroll', '--name', 'Eve Intruder', '--approver', 'Alice Example', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('needs two approving custodians') });
    expect((await keyward('key', 'enroll', '--label', 'YK-01', '--simulated')).code).toBe(0);
    for (const serial of ['S-1', 'S-2', 'S-3']) await keyward('seal', 'add', '--serial', serial);

    const out = await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'drill', '--ticket', 'CHG-7', '--expected-return', '4h', '--broken-seal', 'S-1', '--seal-intact', '--simulated');
    expect(out).toMatchObject({ code: 0, stdout: expect.stringContaining('checked out YK-01 to Alice Example, witnessed by Bob Example') });
    expect(out.stderr).toContain('witness Bob Example: approved');
    expect((await keyward('custody', 'list', '--open')).stdout).toMatch(/YK-01\s+Alice Example\s+Bob Example\s+drill/);
    expect(JSON.parse((await keyward('--json', 'status')).stdout).custody.out).toEqual(['YK-01']);

    // Rules, each with its own message and nothing written.
    expect(await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'drill', '--expected-return', '4h', '--broken-seal', 'S-2', '--seal-intact', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('not in the safe') });
    expect(await keyward('return', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Alice Example', '--new-seal', 'S-2', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('witness must be a different custodian') });
    expect(await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'drill', '--expected-return', '4h', '--broken-seal', 'S-2', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('--seal-intact or --seal-tampered') });

    const back = await keyward('return', '--item', 'YK-01', '--custodian', 'Bob Example', '--witness', 'Alice Example', '--new-seal', 'S-2', '--simulated');
    expect(back).toMatchObject({ code: 0, stdout: expect.stringContaining('returned YK-01 under seal S-2; presence check OK, counter +1') });

    // An emergency with one custodian stays a finding until a second custodian countersigns (a drill's is a notice).
    expect((await keyward('checkout', '--item', 'YK-01', '--custodian', 'Bob Example', '--reason', 'emergency', '--expected-return', '2h', '--broken-seal', 'S-2', '--seal-intact', '--without-witness', '--simulated')).code).toBe(0);
    const flagged = await keyward('status');
    expect(flagged.stdout).toContain('NO WITNESS:     YK-01');
    expect(flagged.stdout).toMatch(/NOTICE +Drill: YK-01: emergency checkout without a witness/);
    const countersignFindings = async () => (JSON.parse((await keyward('--json', 'status')).stdout) as { findings: { findings: { kind: string }[] } }).findings.findings.filter((f) => f.kind === 'custody-countersign');
    expect(await countersignFindings()).toHaveLength(1);
    expect((await keyward('countersign', '--item', 'YK-01', '--custodian', 'Alice Example', '--simulated')).code).toBe(0);
    expect(await countersignFindings()).toHaveLength(0);

    const verified = await keyward('--json', 'ledger', 'verify');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
  });
});

describe('keyward report', () => {
  it('writes the PDF and refuses a bad paper size or period with exit 1', async () => {
    const db = join(dir.path, 'report.db');
    const keyward = keywardAt(db, dir.path);
    await keyward('init');
    const out = join(dir.path, 'report.pdf');
    const made = await keyward('--json', 'report', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--signatory', 'Carol Ng|Security officer', '--paper', 'letter');
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ out, pages: expect.any(Number), headSeq: 1, id: expect.stringMatching(/^KW-\d{8}-[0-9A-F]{8}$/) });
    expect(await keyward('report', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--paper', 'a3')).toMatchObject({ code: 1, stderr: expect.stringContaining('the paper is a4 or letter') });
    expect(await keyward('report', '--from', 'yesterday', '--to', '2026-11-30', '--out', out)).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a date') });
  });
});

describe('keyward signins', () => {
  it('imports an export and reconciles it with the logged checkouts: explained inside a window, an incident outside', async () => {
    const db = join(dir.path, 'signins.db');
    const keyward = keywardAt(db, dir.path, steppingClock());
    const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    await keyward('init');
    await keyward('account', 'add', '--upn', 'bg1@contoso.onmicrosoft.com', '--object-id', BG1);
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');
    // Once the circle is founded, binding a key to an account is a change two custodians approve.
    expect(await keyward('key', 'enroll', '--label', 'YK-01', '--account', 'bg1@contoso.onmicrosoft.com', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining("binding YK-01 to an account needs two custodians' approval") });
    expect((await keyward('key', 'enroll', '--label', 'YK-01', '--simulated')).code).toBe(0);
    expect(await keyward('key', 'bind', '--item', 'YK-01', '--account', 'bg1@contoso.onmicrosoft.com', '--approver', 'Alice Example', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('needs two approving custodians') });
    expect((await keyward('key', 'bind', '--item', 'YK-01', '--account', 'bg1@contoso.onmicrosoft.com', '--approver', 'Alice Example', '--approver', 'Bob Example', '--simulated')).code).toBe(0);
    await keyward('seal', 'add', '--serial', 'S-1');
    expect((await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'emergency', '--expected-return', '4h', '--broken-seal', 'S-1', '--seal-intact', '--simulated')).code).toBe(0);
    const [open] = JSON.parse((await keyward('--json', 'custody', 'list', '--open')).stdout) as { checkedOutAt: string }[];
    const during = new Date(Date.parse(open!.checkedOutAt) + 1_000).toISOString();
    const log = join(dir.path, 'signins.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      log,
      [
        { id: 'during', createdDateTime: during, userId: BG1, status: { errorCode: 0 } },
        { id: 'weeks-before', createdDateTime: '2026-11-01T03:00:00Z', userId: BG1, status: { errorCode: 0 } },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    expect(await keyward('signins', 'import', log)).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 2 sign-ins') });
    expect(await keyward('signins', 'import')).toMatchObject({ code: 1, stderr: expect.stringContaining('needs FILE') });
    const reconciled = await keyward('--json', 'signins', 'reconcile');
    expect(reconciled.code).toBe(2);
    const result = JSON.parse(reconciled.stdout);
    expect(result.explained.map((e: { signIn: { id: string } }) => e.signIn.id)).toEqual(['during']);
    expect(result.incidents.map((s: { id: string }) => s.id)).toEqual(['weeks-before']);
  });
});
