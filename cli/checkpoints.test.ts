import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-checkpoint-');
afterAll(() => dir.remove());

describe('keyward checkpoint', () => {
  it('is prompted after a checkout, signed by two custodians, listed, and verified', async () => {
    const keyward = keywardAt(join(dir.path, 'checkpoint.db'), dir.path, steppingClock());
    await keyward('init');
    expect(await keyward('site', 'name', '--name', 'HQ')).toMatchObject({ code: 0, stdout: expect.stringContaining('this site is HQ') });
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');
    await keyward('key', 'enroll', '--label', 'YK-01', '--simulated');
    await keyward('seal', 'add', '--serial', 'S-1');
    const out = await keyward('checkout', '--item', 'YK-01', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--reason', 'drill', '--expected-return', '4h', '--broken-seal', 'S-1', '--seal-intact', '--simulated');
    expect(out).toMatchObject({ code: 0, stderr: expect.stringContaining('a checkpoint is due') });

    expect(await keyward('checkpoint', '--custodian', 'Alice Example', '--witness', 'Alice Example', '--simulated')).toMatchObject({ code: 1, stderr: expect.stringContaining('two different custodians') });
    const signed = await keyward('checkpoint', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--simulated');
    expect(signed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^checkpoint 1 \(entry \d+\) signed by Alice Example and Bob Example/) });
    expect(signed.stderr).toContain('witness Bob Example: signed');
    expect(signed.stderr).not.toContain('a checkpoint is due');
    expect((await keyward('checkpoint', 'list')).stdout).toMatch(/1\s+\d+\s+\S+\s+\d+\s+[0-9a-f]{16}\s+Alice Example, Bob Example \(drill\)/);
    expect(await keyward('ledger', 'verify')).toMatchObject({ code: 0 });
    const pinned = /checkpoint hash ([0-9a-f]{64})/.exec(signed.stdout)![1]!;
    expect(await keyward('ledger', 'verify', '--expect-checkpoint', pinned)).toMatchObject({ code: 0 });
    expect(await keyward('ledger', 'verify', '--expect-checkpoint', 'f'.repeat(64))).toMatchObject({ code: 2, stdout: expect.stringContaining(`the ledger was rewritten after checkpoint ${'f'.repeat(64)}`) });

    const bundle = join(dir.path, 'HQ-2026-11-25.kwaudit');
    const exported = await keyward('audit', 'export', '--out', bundle, '--custodian', 'Bob Example', '--witness', 'Alice Example', '--simulated');
    expect(exported).toMatchObject({ code: 0, stdout: expect.stringMatching(/^wrote .*HQ-2026-11-25\.kwaudit: \d+ entries of site HQ [0-9a-f]{64}\n/) });
    expect(await keyward('audit', 'verify', bundle)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^bundle OK: .*\nsite HQ [0-9a-f]{64}\n\d+ entries, head [0-9a-f]{64}\n1 checkpoints; closed by checkpoint 2 signed by Bob Example and Alice Example\n$/) });
    const auditor = join(dir.path, 'auditor.db');
    expect(await keyward('audit', 'add', bundle, '--auditor', auditor)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^added: site HQ [0-9a-f]{64}, head entry \d+ [0-9a-f]{64} \(new-site\)\nNOTICE: a bundle from HQ/) });
    const sites = await keyward('audit', 'sites', '--auditor', auditor);
    expect(sites).toMatchObject({ code: 0, stdout: expect.stringMatching(/\nHQ\s+[0-9a-f]{16}\s+\d+\s+[0-9a-f]{16}\s+1\s+1\s+\S+\s+0\/0\/0\s+1\s+UNKNOWN-SITE\n/) });
    expect(sites.stdout).toMatch(/\nHQ, as of its bundle of \S+: 1 item\(s\) out of the safe\n {2}YK-01: out with Alice Example \(witness Bob Example\) since \S+ \(entry \d+\), expected back \S+\n/);
    const json = JSON.parse((await keyward('--json', 'audit', 'sites', '--auditor', auditor)).stdout) as { siteName: string; state: { out: { label: string; custodian: string; overdue: boolean }[]; open: unknown } }[];
    expect(json).toMatchObject([{ siteName: 'HQ', state: { out: [{ label: 'YK-01', custodian: 'Alice Example', overdue: false }], open: { critical: 0, warning: 0, notice: 0 } } }]);
    expect(await keyward('audit', 'sites', '--auditor', join(dir.path, 'checkpoint.db'))).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a Keyward auditor database') });
    const bytes = readFileSync(bundle);
    bytes[512 * 3] = bytes[512 * 3]! ^ 0x01;
    writeFileSync(bundle, bytes);
    expect(await keyward('audit', 'verify', bundle)).toMatchObject({ code: 2, stdout: expect.stringMatching(/^BUNDLE VERIFICATION FAILED in ledger\.jsonl\n/) });
    expect(await keyward('audit', 'verify', join(dir.path, 'missing.kwaudit'))).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read') });
  });
});
