import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blobPayload, createMdsPki, revocationList, signBlob } from '../test/support/mds';
import { steppingClock, temporaryDirectory } from '../test/support/session';
import { keywardAt } from '../test/support/cli';

const dir = temporaryDirectory('keyward-cli-metadata-');
afterAll(() => dir.remove());

describe('keyward metadata import', () => {
  it('checks a BLOB against the pinned FIDO Alliance root only: one from another root is refused with exit 1 and nothing written', async () => {
    const keyward = keywardAt(join(dir.path, 'metadata.db'), dir.path, steppingClock());
    await keyward('init');
    const pki = await createMdsPki();
    const blob = join(dir.path, 'blob.jwt');
    writeFileSync(blob, await signBlob(pki, blobPayload({ no: 1, nextUpdate: '2026-12-31', entries: [] })));
    const crl = join(dir.path, 'intermediate.crl');
    writeFileSync(crl, await revocationList(pki.intermediate));
    const before = (await keyward('status')).stdout.match(/[0-9a-f]{64}/)?.[0];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    const run = await keyward('metadata', 'import', blob, '--crl', crl);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringMatching(/does not lead to the pinned root: Test MDS Intermediate, Keyward Test is not signed by GlobalSign/) });
    expect((await keyward('status')).stdout.match(/[0-9a-f]{64}/)?.[0]).toBe(before);
    expect((await keyward('metadata', 'import', join(dir.path, 'nothing.jwt'))).code).toBe(1);
    expect((await keyward('metadata', 'import', '--help')).stdout).toContain('--crl FILE');
  });
});
