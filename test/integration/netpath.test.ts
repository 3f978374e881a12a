import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, TARGET_NAME, labUnavailable } from '../support/netns-lab';
import { killAfter } from '../support/children';
import { temporaryDirectory } from '../support/session';

const unavailable = labUnavailable();
if (unavailable) console.warn(`[netpath] SKIPPED on this machine: ${unavailable}`);
const run = promisify(execFile);
const bin = new URL('../../cli/bin/keyward.mjs', import.meta.url).pathname;

interface Proof {
  verdict: string;
  summary: string;
  ms: number;
  paths: { interface: string; class: string; status: string; reason: string; probe: { gateway: string | null; targets: { ok: boolean; failedAt?: string; tls?: { subject: string; issuer: string; fingerprint256: string }; dns?: { server: string } }[] } | null }[];
}

describe.skipIf(Boolean(unavailable))(`proving network paths for real, in network namespaces${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, () => {
  const dir = temporaryDirectory('keyward-netns-');
  const lab = new NetnsLab(dir.path);
  const db = join(dir.path, 'keyward.db');

  /** Runs the real CLI inside the site namespace, as the app in the key room would. */
  async function keyward(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      // Killed within the test's own time limit, so that no CLI outlives the test that ran it.
      const { stdout, stderr } = await run('ip', ['netns', 'exec', lab.site, process.execPath, bin, '--db', db, ...args], killAfter(25_000));
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  const probe = async (...extra: string[]) => {
    const result = await keyward('--json', 'netpath', 'probe', '--target', `${TARGET_NAME}:443`, '--ca', join(dir.path, 'ca.pem'), '--timeout', '2', ...extra);
    return { code: result.code, proof: JSON.parse(result.stdout) as Proof, stderr: result.stderr };
  };
  const pathOf = (proof: Proof, name: string) => proof.paths.find((p) => p.interface === name)!;

  beforeAll(async () => {
    lab.makeCertificates();
    await lab.up();
    expect((await keyward('init')).code).toBe(0);
    // The site's links are veth pairs, which sysfs calls virtual: the custodian says what they stand for.
    for (const [iface, cls] of [['wired0', 'wired'], ['wwan0', 'cellular'], ['wwan1', 'virtual']]) {
      expect((await keyward('netpath', 'classify', '--interface', iface!, '--as', cls!, '--note', 'test lab')).code).toBe(0);
    }
  }, 60_000);
  afterAll(() => {
    lab.down();
    dir.remove();
  });

  it('lists the site\'s interfaces with the custodian\'s classes', async () => {
    const listed = JSON.parse((await keyward('--json', 'netpath', 'interfaces')).stdout) as { name: string; class: string; overridden: boolean; ipv4: string[] }[];
    expect(listed.find((i) => i.name === 'wired0')).toMatchObject({ class: 'wired', overridden: true, ipv4: ['10.91.1.2'] });
    expect(listed.find((i) => i.name === 'wwan0')).toMatchObject({ class: 'cellular', overridden: true });
  });

  it('is met with both links up: DNS through each path, TLS verified, different gateways', async () => {
    const { code, proof } = await probe();
    expect(proof.verdict).toBe('met');
    expect(code).toBe(0);
    for (const [name, gateway] of [['wired0', '10.91.1.1'], ['wwan0', '10.92.1.1']] as const) {
      const path = pathOf(proof, name);
      expect(path.status).toBe('up');
      expect(path.probe!.gateway).toBe(gateway);
      expect(path.probe!.targets[0]).toMatchObject({ ok: true, dns: { server: gateway }, tls: { subject: `CN=${TARGET_NAME}`, issuer: 'CN=Keyward Test ca' } });
      expect(path.probe!.targets[0]!.tls!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    }
    const ledger = JSON.parse((await keyward('--json', 'ledger', 'show', '--limit', '1')).stdout) as { kind: string; payload: { verdict: string } }[];
    expect(ledger[0]).toMatchObject({ kind: 'netpath.proved', payload: { verdict: 'met' } });
  });

  it('is not met when the cellular link is down, and names the dead path', async () => {
    lab.run(lab.provB, 'ip link set up0 down');
    try {
      const { code, proof } = await probe();
      expect(code).toBe(2);
      expect(proof.verdict).toBe('not_met');
      expect(pathOf(proof, 'wired0').status).toBe('up');
      expect(pathOf(proof, 'wwan0').status).not.toBe('up');
      expect(proof.summary).toMatch(/Single path — requirement not met: only wired0 \(wired\) is up\. Not up: wwan0 \(cellular\)/);
    } finally {
      lab.run(lab.provB, 'ip link set up0 up');
    }
  });

  it('fails a path whose server presents a certificate from another CA, with the reason', async () => {
    await lab.startTarget(lab.provB, 'rogue-ca');
    try {
      const { proof } = await probe();
      const path = pathOf(proof, 'wwan0');
      expect(path.status).toBe('failed');
      expect(path.probe!.targets[0]!.failedAt).toBe('tls');
      expect(path.reason).toMatch(/TLS with login\.keyward\.test failed verification: .*(UNABLE_TO_VERIFY|self.signed|unable to get)/i);
      expect(proof.verdict).toBe('not_met');
    } finally {
      await lab.startTarget(lab.provB, 'ca');
    }
  });

  it('times out a path that silently drops packets within its limit, without slowing the other', async () => {
    // Provider B throws away everything addressed back to the site: no reset, no ICMP, nothing.
    lab.run(lab.provB, 'ip route add blackhole 10.92.1.2/32');
    try {
      const { proof } = await probe();
      const dropped = pathOf(proof, 'wwan0');
      expect(dropped.status).toBe('failed');
      expect(dropped.reason).toMatch(/timed out|ETIMEOUT|time limit/);
      expect(pathOf(proof, 'wired0').status).toBe('up');
      // The paths run at once: the whole probe takes about the slowest path's limit, not the sum.
      expect(proof.ms).toBeGreaterThanOrEqual(1_500);
      expect(proof.ms).toBeLessThan(3_500);
    } finally {
      lab.run(lab.provB, 'ip route del blackhole 10.92.1.2/32');
    }
  });

  it('calls two links into one provider a common failure mode', async () => {
    expect((await keyward('netpath', 'classify', '--interface', 'wwan1', '--as', 'cellular')).code).toBe(0);
    expect((await keyward('netpath', 'classify', '--interface', 'wwan0', '--as', 'virtual')).code).toBe(0);
    try {
      const { code, proof } = await probe();
      expect(code).toBe(2);
      expect(proof.verdict).toBe('common_failure');
      expect(proof.summary).toMatch(/same gateway 10\.91\.1\.1/);
    } finally {
      await keyward('netpath', 'classify', '--interface', 'wwan1', '--as', 'virtual');
      await keyward('netpath', 'classify', '--interface', 'wwan0', '--as', 'cellular');
    }
  });

  it('refuses bad probe arguments with exit 1 and a specific message', async () => {
    expect(await keyward('netpath', 'probe', '--target', 'no-port')).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a target HOST:PORT') });
    expect(await keyward('netpath', 'probe', '--ca', join(dir.path, 'missing.pem'))).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read the CA bundle') });
    expect(await keyward('netpath', 'probe', '--timeout', '0')).toMatchObject({ code: 1, stderr: expect.stringContaining('timeout must be between') });
    expect(await keyward('netpath', 'classify', '--interface', 'wired0', '--as', 'satellite')).toMatchObject({ code: 1, stderr: expect.stringContaining('class must be one of') });
  });
});
