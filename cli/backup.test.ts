import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-backup-');
afterAll(() => dir.remove());

describe('keyward backup and restore', () => {
  it('backs up and verifies, restores a backup that holds the last checkpoint, and refuses one behind it', async () => {
    const keyward = keywardAt(join(dir.path, 'site.db'), dir.path, steppingClock());
    await keyward('init');
    await keyward('custodian', 'found', '--first', 'Alice Example', '--second', 'Bob Example', '--simulated');
    const older = join(dir.path, 'older.kwbackup');
    const made = await keyward('backup', '--out', older);
    expect(made).toMatchObject({ code: 0, stdout: expect.stringMatching(/^backed up to .*older\.kwbackup, verified: \d+ entries, head [0-9a-f]{64}, 0 checkpoints\nfile SHA-256 [0-9a-f]{64} \(recorded in ledger entry \d+\)\n$/) });
    expect(await keyward('checkpoint', '--custodian', 'Alice Example', '--witness', 'Bob Example', '--simulated')).toMatchObject({ code: 0 });

    const refused = await keyward('restore', older);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('behind checkpoint 1') });
    expect(refused.stderr).toContain('two custodians must sign the restore with a reason');
    expect(await keyward('restore', join(dir.path, 'none.kwbackup'))).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no backup at') });

    const recent = join(dir.path, 'recent.kwbackup');
    expect((await keyward('backup', '--out', recent)).code).toBe(0);
    expect(await keyward('restore', recent)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^restored .*recent\.kwbackup to .*site\.db: head entry \d+ [0-9a-f]{64}\n$/) });
    expect(await keyward('ledger', 'verify')).toMatchObject({ code: 0 });
    expect(existsSync(join(dir.path, 'site.db-wal'))).toBe(false);
  });
});
