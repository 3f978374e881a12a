import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkProof, RecordedProof } from '../../core/netpath/evidence';
import { ANYCAST_RESOLVER, LINKS, NetnsLab, TARGET_ADDRESS, TARGET_ADDRESS_V6, TARGET_NAME, labUnavailable } from '../support/netns-lab';
import { killAfter } from '../support/children';
import { OPERATOR, temporaryDirectory } from '../support/session';
import { openExistingDatabase } from '../../app/keyward';
import { overrideClassification } from '../../app/netpath/netpath';
import { systemClock } from '../../app/ports';
import { readHead } from '../../db/ledger';

const unavailable = labUnavailable();
if (unavailable) console.warn(`[netpath] SKIPPED on this machine: ${unavailable}`);
const run = promisify(execFile);
const bin = new URL('../../cli/bin/keyward.mjs', import.meta.url).pathname;

// Each case runs the real command line in the site namespace, a few times; a busy machine makes that slow.
describe.skipIf(Boolean(unavailable))(`proving network paths for real, in network namespaces${unavailable ? ` — SKIPPED: ${unavailable}` : ''}`, { timeout: 120_000 }, () => {
  const dir = temporaryDirectory('keyward-netns-');
  const lab = new NetnsLab(dir.path);
  const db = join(dir.path, 'keyward.db');

  /** Runs the real CLI inside the site namespace, as the app in the key room would. */
  async function keywardAt(database: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      // Killed within the test's own time limit, so that no CLI outlives the test that ran it.
      const { stdout, stderr } = await run('ip', ['netns', 'exec', lab.site, process.execPath, bin, '--db', database, ...args], killAfter(60_000));
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  const keyward = (...args: string[]) => keywardAt(db, ...args);
  const probeAt = async (database: string, ...extra: string[]) => {
    const result = await keywardAt(database, '--json', 'netpath', 'probe', '--target', `${TARGET_NAME}:443`, '--ca', join(dir.path, 'ca.pem'), '--timeout', '5', ...extra);
    return { code: result.code, proof: JSON.parse(result.stdout) as NetworkProof, stderr: result.stderr };
  };
  const probe = (...extra: string[]) => probeAt(db, ...extra);
  const pathOf = (proof: NetworkProof, name: string) => proof.paths.find((p) => p.interface === name)!;
  const attemptOf = (proof: NetworkProof, name: string, family: 4 | 6) => pathOf(proof, name).probe!.targets[0]!.attempts.find((a) => a.family === family)!;
  /** The custodian's word on the links, written to the file directly: the command itself is tested above. */
  const classify = (pairs: [string, string][], database = db) => {
    const opened = openExistingDatabase(database);
    try {
      for (const [iface, cls] of pairs) overrideClassification({ db: opened, clock: systemClock, actor: OPERATOR }, { interface: iface, class: cls });
    } finally {
      opened.close();
    }
  };
  const headSeq = (database = db) => {
    const opened = openExistingDatabase(database);
    try {
      return readHead(opened).seq;
    } finally {
      opened.close();
    }
  };
  const wiredAndCellular: [string, string][] = [['wired0', 'wired'], ['wwan0', 'cellular'], ['wwan1', 'virtual']];

  beforeAll(async () => {
    lab.makeCertificates();
    await lab.up();
    expect(await keyward('init')).toMatchObject({ code: 0 });
    // The site's links are veth pairs, which sysfs calls virtual: the custodian says what they stand for.
    classify(wiredAndCellular);
  }, 120_000);
  afterAll(() => {
    lab.down();
    dir.remove();
  });

  it("sets an interface's class from the command line, and refuses a class that is not one", async () => {
    expect(await keyward('netpath', 'classify', '--interface', 'wired0', '--as', 'wired', '--note', 'test lab')).toMatchObject({ code: 0, stdout: 'wired0 is now classified as wired\n' });
    expect(await keyward('netpath', 'classify', '--interface', 'wired0', '--as', 'satellite')).toMatchObject({ code: 1, stderr: expect.stringContaining('class must be one of') });
  });

  it("lists the site's interfaces with the custodian's classes", async () => {
    const listed = JSON.parse((await keyward('--json', 'netpath', 'interfaces')).stdout) as { name: string; class: string; overridden: boolean; ipv4: string[] }[];
    expect(listed.find((i) => i.name === 'wired0')).toMatchObject({ class: 'wired', overridden: true, ipv4: ['10.91.1.2'] });
    expect(listed.find((i) => i.name === 'wwan0')).toMatchObject({ class: 'cellular', overridden: true });
  });

  it("is met with both links up: DNS through each path, TLS verified, each next hop from the route to the resolved target", async () => {
    const { code, proof } = await probe();
    expect(proof.verdict).toBe('met');
    expect(code).toBe(0);
    for (const [name, gateway] of [['wired0', '10.91.1.1'], ['wwan0', '10.92.1.1']] as const) {
      const path = pathOf(proof, name);
      expect(path.status).toBe('up');
      expect(path.nextHops).toEqual([{ gateway, dev: name, via: name }]);
      // The site names no resolver, so each path asks its gateway, and the evidence says so.
      expect(attemptOf(proof, name, 4)).toMatchObject({ ok: true, dns: { server: gateway, origin: 'gateway' }, route: { gateway }, tls: { subject: `CN=${TARGET_NAME}`, issuer: 'CN=Keyward Test ca' } });
      expect(attemptOf(proof, name, 4).tls!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    }
    expect(proof.trust).toMatch(/^system CA store .* and 1 root\(s\) from /);
    const ledger = JSON.parse((await keyward('--json', 'ledger', 'show', '--limit', '1')).stdout) as { kind: string; payload: { verdict: string; site: string | null } }[];
    expect(ledger[0]).toMatchObject({ kind: 'netpath.proved', payload: { verdict: 'met', site: null } });
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
      expect(attemptOf(proof, 'wwan0', 4).failedAt).toBe('tls');
      expect(path.reason).toMatch(/IPv4 failed at tls: TLS with login\.keyward\.test failed verification: .*(UNABLE_TO_VERIFY|self.signed|unable to get)/i);
      expect(proof.verdict).toBe('not_met');
    } finally {
      await lab.startTarget(lab.provB, 'ca');
    }
  });

  it('times out a path that silently drops packets within its limit, naming the step, without failing the other', async () => {
    // Provider B throws away everything addressed back to the site: no reset, no ICMP, nothing.
    lab.run(lab.provB, 'ip route add blackhole 10.92.1.2/32');
    try {
      const { proof } = await probe('--timeout', '3');
      const dropped = pathOf(proof, 'wwan0');
      expect(dropped.status).toBe('failed');
      expect(attemptOf(proof, 'wwan0', 4)).toMatchObject({ failedAt: 'dns', timedOut: true });
      expect(dropped.reason).toMatch(/IPv4 timed out at dns: dns did not finish within the path's time limit/);
      expect(pathOf(proof, 'wired0').status).toBe('up');
    } finally {
      lab.run(lab.provB, 'ip route del blackhole 10.92.1.2/32');
    }
  });

  it('calls two links into one provider a common failure mode, with source rules for both', async () => {
    classify([['wwan1', 'cellular'], ['wwan0', 'virtual']]);
    try {
      const { code, proof } = await probe();
      expect(code).toBe(2);
      expect(proof.verdict).toBe('common_failure');
      expect(proof.summary).toMatch(/same gateway 10\.91\.1\.1/);
    } finally {
      classify(wiredAndCellular);
    }
  });

  it("calls them a common failure mode too when the wired link has no source rule and the main table's default route carries it", async () => {
    classify([['wwan1', 'cellular'], ['wwan0', 'virtual']]);
    lab.sourceRule('wired0', false);
    lab.run(lab.site, 'ip route add default via 10.91.1.1 dev wired0');
    try {
      const { code, proof } = await probe();
      expect(code).toBe(2);
      expect(pathOf(proof, 'wired0').nextHops).toEqual([{ gateway: '10.91.1.1', dev: 'wired0', via: 'wired0' }]);
      expect(proof.verdict).toBe('common_failure');
      expect(proof.summary).toMatch(/wired0 and wwan1: both go through the same gateway 10\.91\.1\.1/);
    } finally {
      lab.run(lab.site, 'ip route del default via 10.91.1.1 dev wired0');
      lab.sourceRule('wired0', true);
      classify(wiredAndCellular);
    }
  });

  /** Turns wwan0 into a point-to-point link (a raw-IP modem): its address has a peer and its default route no `via`. */
  function pointToPoint(peer: string): () => void {
    const { v4, gw4, table } = LINKS.wwan0;
    lab.run(lab.site, `ip addr del ${v4}/24 dev wwan0 && ip addr add ${v4} peer ${peer} dev wwan0 && ip route replace default dev wwan0 table ${table}`);
    return () => lab.run(lab.site, `ip addr del ${v4} peer ${peer} dev wwan0; ip addr add ${v4}/24 dev wwan0 && ip route replace default via ${gw4} dev wwan0 table ${table}`);
  }

  it('counts a point-to-point cellular link with no next hop as independent of a wired path that does not ride on it', async () => {
    const restore = pointToPoint('10.92.1.1');
    try {
      const { code, proof } = await probe('--dns', 'wwan0=10.92.1.1');
      expect(pathOf(proof, 'wwan0')).toMatchObject({ status: 'up', nextHops: [{ gateway: null, dev: 'wwan0', via: null }] });
      expect(proof.verdict).toBe('met');
      expect(code).toBe(0);
      expect(proof.summary).toMatch(/wwan0 \(cellular, point-to-point on wwan0\)/);
    } finally {
      restore();
    }
  });

  it("does not count a point-to-point link as independent when the wired path's gateway is reached through it", async () => {
    // The modem's peer is the wired link's router: the main table reaches 10.91.1.1 through wwan0.
    const restore = pointToPoint('10.91.1.1');
    try {
      const { code, proof } = await probe('--dns', 'wwan0=10.92.1.1');
      expect(pathOf(proof, 'wwan0').status).toBe('up');
      expect(pathOf(proof, 'wired0').nextHops).toEqual([{ gateway: '10.91.1.1', dev: 'wired0', via: 'wwan0' }]);
      expect(code).toBe(2);
      expect(proof.verdict).toBe('common_failure');
      expect(proof.summary).toMatch(/wired0's gateway 10\.91\.1\.1 is reached through wwan0/);
    } finally {
      restore();
    }
  });

  it("finds the system's resolvers when they are not the gateway, without --dns, and records which one answered", async () => {
    // The gateways stop answering DNS; both providers serve the anycast resolver the site's resolv.conf names.
    await Promise.all([lab.startResolver(lab.provA, [ANYCAST_RESOLVER]), lab.startResolver(lab.provB, [ANYCAST_RESOLVER])]);
    lab.writeResolvConf(['127.0.0.53', ANYCAST_RESOLVER]);
    try {
      const { code, proof } = await probe();
      expect(proof.verdict).toBe('met');
      expect(code).toBe(0);
      for (const name of ['wired0', 'wwan0']) {
        expect(pathOf(proof, name).resolvers).toEqual([{ address: ANYCAST_RESOLVER, origin: 'resolv.conf' }]);
        expect(attemptOf(proof, name, 4).dns).toMatchObject({ server: ANYCAST_RESOLVER, origin: 'resolv.conf' });
      }
    } finally {
      lab.writeResolvConf([]);
      await Promise.all([lab.startResolver(lab.provA, ['10.91.1.1', 'fd00:91::1']), lab.startResolver(lab.provB, ['10.92.1.1', 'fd00:92::1'])]);
    }
  });

  it('proves an IPv6-only cellular path: AAAA over the path, TCP and TLS from its IPv6 address', async () => {
    lab.ipv4('wwan0', false);
    lab.ipv6('wwan0', true);
    try {
      const { code, proof } = await probe();
      const path = pathOf(proof, 'wwan0');
      expect(path).toMatchObject({ status: 'up', nextHops: [{ gateway: 'fd00:92::1', dev: 'wwan0', via: 'wwan0' }] });
      expect(path.probe!.targets[0]).toMatchObject({ ok: true, family: 6 });
      expect(attemptOf(proof, 'wwan0', 6)).toMatchObject({ source: LINKS.wwan0.v6, dns: { server: 'fd00:92::1', addresses: [TARGET_ADDRESS_V6] }, tcp: { remote: `[${TARGET_ADDRESS_V6}]:443` } });
      expect(proof.verdict).toBe('met');
      expect(code).toBe(0);
    } finally {
      lab.ipv6('wwan0', false);
      lab.ipv4('wwan0', true);
    }
  });

  it('counts a dual-stack path whose IPv6 is broken as up over IPv4, and the evidence says so', async () => {
    lab.ipv6('wwan0', true);
    // Provider B's sign-in server stops answering IPv6: the AAAA record points at a closed port.
    await lab.startTarget(lab.provB, 'ca', TARGET_ADDRESS);
    try {
      const { proof } = await probe();
      const path = pathOf(proof, 'wwan0');
      expect(path.status).toBe('up');
      expect(path.probe!.targets[0]).toMatchObject({ ok: true, family: 4 });
      expect(attemptOf(proof, 'wwan0', 6)).toMatchObject({ ok: false, failedAt: 'tcp' });
      expect(path.reason).toMatch(new RegExp(`${TARGET_NAME}:443 over IPv4 .*\\(IPv6 failed at tcp: TCP to \\[${TARGET_ADDRESS_V6}\\]:443 failed: ECONNREFUSED`));
      expect(proof.verdict).toBe('met');
    } finally {
      await lab.startTarget(lab.provB, 'ca');
      lab.ipv6('wwan0', false);
    }
  });

  it("says the rule's table has no default route, when that is what is wrong", async () => {
    lab.run(lab.site, `ip route del default table ${LINKS.wwan0.table}`);
    try {
      const { proof } = await probe('--dns', 'wwan0=10.92.1.1');
      const path = pathOf(proof, 'wwan0');
      expect(path.status).toBe('unproven');
      expect(attemptOf(proof, 'wwan0', 4).failedAt).toBe('route');
      expect(path.reason).toMatch(/the rule for 10\.92\.1\.2 picks table 92, which has no route to it through wwan0 \(add a default route through wwan0 to table 92\)/);
    } finally {
      lab.run(lab.site, `ip route add default via ${LINKS.wwan0.gw4} dev wwan0 table ${LINKS.wwan0.table}`);
    }
  });

  const junkCa = join(dir.path, 'junk.pem');
  it.each([
    ['a resolver address out of range', ['--dns', 'wwan0=999.1.1.1'], 'wwan0=999.1.1.1": 999.1.1.1 is not an IPv4 or IPv6 address'],
    ['a resolver address cut short', ['--dns', 'wwan0=1.2.3'], '1.2.3 is not an IPv4 or IPv6 address'],
    ['a resolver for an interface that does not exist', ['--dns', 'nosuchif=10.92.1.1'], 'there is no interface nosuchif'],
    ['a resolver for an interface that is not probed', ['--dns', 'wwan1=10.91.1.1'], 'wwan1 is classified virtual, so it is not probed'],
    ['a CA file with junk between the PEM markers', ['--ca', junkCa], 'certificate 1 (line 2) is not'],
    ['a target of ".."', ['--target', '..'], '".." is not a target HOST:PORT'],
    ['a target host of ".."', ['--target', '..:443'], '"..:443": ".." is not a host name'],
    ['a site no storage place names', ['--site', 'Atlantis'], '"Atlantis" is not a site of any storage place'],
    ['a timeout of zero', ['--timeout', '0'], 'timeout must be between'],
  ])('refuses %s with exit 1, a specific message, and nothing written', async (_what, args, message) => {
    writeFileSync(junkCa, '# a bundle\n-----BEGIN CERTIFICATE-----\nnot a certificate at all\n-----END CERTIFICATE-----\n');
    const before = headSeq();
    const result = await keyward('netpath', 'probe', '--target', `${TARGET_NAME}:443`, '--timeout', '2', ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(headSeq()).toBe(before);
  });

  it('binds each proof to its site, asks for the site when the places name two, and keeps the last proof of each', async () => {
    const sites = join(dir.path, 'sites.db');
    expect((await keywardAt(sites, 'init')).code).toBe(0);
    expect((await keywardAt(sites, 'place', 'add', '--name', 'North safe', '--site', 'North room')).code).toBe(0);
    expect((await keywardAt(sites, 'place', 'add', '--name', 'South safe', '--site', 'South room')).code).toBe(0);
    const before = headSeq(sites);
    const unnamed = await keywardAt(sites, 'netpath', 'probe', '--target', `${TARGET_NAME}:443`);
    expect(unnamed).toMatchObject({ code: 1, stderr: expect.stringContaining('say which site this proof is for (--site): the storage places are at North room, South room') });
    expect(headSeq(sites)).toBe(before);

    classify(wiredAndCellular, sites);
    const north = await probeAt(sites, '--site', 'North room');
    expect(north.proof).toMatchObject({ site: 'North room', verdict: 'met' });
    // At the South room the cellular path's resolver does not answer.
    const south = await probeAt(sites, '--site', 'South room', '--dns', 'wwan0=10.99.0.1');
    expect(south.proof).toMatchObject({ site: 'South room', verdict: 'not_met' });
    expect(pathOf(south.proof, 'wwan0').reason).toMatch(/IPv4 failed at dns: no A record for login\.keyward\.test: 10\.99\.0\.1 \(dns-option\): ECONNREFUSED/);

    const recorded = JSON.parse((await keywardAt(sites, '--json', 'netpath', 'proofs')).stdout) as { sites: string[]; proofs: RecordedProof[] };
    expect(recorded.sites).toEqual(['North room', 'South room']);
    expect(recorded.proofs.map((p) => [p.site, p.verdict, p.ledgerSeq])).toEqual([
      ['North room', 'met', north.proof.ledgerSeq],
      ['South room', 'not_met', south.proof.ledgerSeq],
    ]);
  });
});
