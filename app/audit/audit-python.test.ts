import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/ledger/canonical-json';
import { entryBody, type LedgerEntry } from '../../core/ledger/ledger';
import { sha256Hex } from '../../db/ledger';
import { killAfter } from '../../test/support/children';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { registerSeal } from '../inventory/inventory';
import { nameSite, recordCheckpoint } from '../ledger/checkpoints';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { exportAuditBundle } from './audit-export';
import { verifyAuditBundle } from './audit-verify';
import { readTar, writeTar } from './ustar';

/** The auditor's Python, not the one a developer's tools may have put first on the PATH. */
const PYTHON = '/usr/bin/python3';
const hasCryptography = spawnSync(PYTHON, ['-c', 'import cryptography'], killAfter(20_000)).status === 0;

function bundleScript(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- audit-bundle-script:start -->\s*```python\n([\s\S]*?)```\s*<!-- audit-bundle-script:end -->/.exec(readme);
  if (!block) throw new Error('README has no audit bundle script block');
  return block[1]!;
}

describe.skipIf(!hasCryptography)(`the README's Python bundle verifier${hasCryptography ? '' : ' — SKIPPED: python3-cryptography not installed'}`, () => {
  const s = openTestSession();
  const keys: KeySource = { simulated: false, open: (target) => drillKeySource(s.db, { store: 'custodians' }).open(target) };
  const script = join(s.dir, 'verify_bundle.py');
  const out = join(s.dir, 'HQ.kwaudit');
  let good: Buffer;
  beforeAll(async () => {
    await custodiansOf(s, keys, ['Alice Example', 'Bob Example', 'Carol Example']);
    nameSite(s, { name: 'HQ' });
    registerSeal(s, { serial: 'S-1' });
    await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    await exportAuditBundle(s, keys, { out, custodian: 'Carol Example', witness: 'Bob Example' });
    good = readFileSync(out);
    writeFileSync(script, bundleScript());
  });
  afterAll(() => s.close());

  /** Both verdicts on one file: ok or the member each names. */
  function verdicts(bytes: Buffer) {
    const file = join(s.dir, 'candidate.kwaudit');
    writeFileSync(file, bytes);
    const ours = verifyAuditBundle(file);
    const python = spawnSync(PYTHON, [script, file], { encoding: 'utf8', ...killAfter(20_000) });
    const named = /^FAILED in (.+?): /.exec(python.stderr)?.[1];
    return { ours: ours.ok ? 'ok' : ours.member, python: python.status === 0 ? 'ok' : (named ?? python.stderr), stdout: python.stdout };
  }

  it('accepts the good bundle, as audit verify does', () => {
    const { ours, python, stdout } = verdicts(good);
    expect([ours, python]).toEqual(['ok', 'ok']);
    expect(stdout).toMatch(/^ok: site HQ [0-9a-f]{64}, \d+ entries, head [0-9a-f]{64}, closed by checkpoint 2\n$/);
  });

  it('names the same member as audit verify for a byte changed in each member and at the end', () => {
    const places = [good.length - 1];
    let offset = 0;
    for (const member of readTar(good)) {
      places.push(offset + 60, offset + 512 + (member.data.length >> 1));
      offset += 512 + Math.ceil(member.data.length / 512) * 512;
    }
    const named = new Set<string>();
    for (const at of places) {
      const bytes = Buffer.from(good);
      bytes[at] = bytes[at]! ^ 0x04;
      const { ours, python } = verdicts(bytes);
      expect(ours, `byte ${at}`).not.toBe('ok');
      expect(python, `byte ${at}`).toBe(ours);
      named.add(ours!);
    }
    expect(named.size).toBe(7);
  });

  it('fails a closing checkpoint whose signature was forged, as audit verify does', () => {
    const members = readTar(good).map((m) => ({ ...m }));
    const closing = JSON.parse(Buffer.from(members[5]!.data).toString('utf8')) as LedgerEntry;
    const signature = Buffer.from(closing.approvals![0]!.signature, 'base64url');
    signature.writeUInt8(signature.readUInt8(signature.length - 2) ^ 0x01, signature.length - 2);
    const forged = { ...closing, approvals: [{ ...closing.approvals![0]!, signature: signature.toString('base64url') }, closing.approvals![1]!] };
    const body = entryBody(forged);
    members[5] = { name: 'closing-checkpoint.json', data: Buffer.from(canonicalJson({ ...JSON.parse(body), hash: sha256Hex(body) })) };
    expect(verdicts(writeTar(members, 0))).toMatchObject({ ours: 'closing-checkpoint.json', python: 'closing-checkpoint.json' });
  });
});
