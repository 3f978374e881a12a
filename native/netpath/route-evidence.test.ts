import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { egressOf } from './egress';
import { parseMacRouteGet, parseWindowsRoutes } from './platform-routes';
import { parseResolvConf, parseResolvectlDns } from './resolvers';
import { parsePemBundle } from './trust';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/netpath/${name}`, import.meta.url), 'utf8');
const route = (dev: string, gateway: string | null = null) => ({ ok: true as const, route: { dev, gateway } });

describe("reading the system's resolvers", () => {
  it("takes systemd-resolved's servers for one link, without link-local ones or a server name", () => {
    const text = fixture('resolvectl-dns.txt');
    expect(parseResolvectlDns(text, 'enp3s0')).toEqual(['192.0.2.53', '2001:db8::53']);
    expect(parseResolvectlDns(text, 'wwan0')).toEqual(['198.51.100.53']);
    expect(parseResolvectlDns(text, 'docker0')).toEqual([]);
    expect(parseResolvectlDns(text, 'wlan0')).toEqual([]);
  });

  it("takes resolv.conf's servers, leaving out the loopback stub that does not leave by any interface", () => {
    expect(parseResolvConf('# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.53\n nameserver 2001:db8::53\nnameserver ::1\nsearch example.net\nnameserver bogus\n')).toEqual(['192.0.2.53', '2001:db8::53']);
  });
});

describe('where a path leaves, from the routing table', () => {
  it("takes the next hop only when the source's own route leaves by the interface", () => {
    expect(egressOf({ bySource: route('wwan0', '10.92.1.1'), byInterface: route('wwan0', '10.92.1.1') }, 'wwan0')).toEqual({ ok: true, gateway: '10.92.1.1' });
    expect(egressOf({ bySource: route('wwan0'), byInterface: route('wwan0') }, 'wwan0')).toEqual({ ok: true, gateway: null });
    // With oif the kernel calls any destination on-link; the socket bound to the source would leave by eth0.
    expect(egressOf({ bySource: route('eth0', '10.91.1.1'), byInterface: route('wwan0') }, 'wwan0')).toEqual({ ok: false, leaves: 'would leave by eth0, not wwan0' });
    expect(egressOf({ bySource: { ok: false, error: 'Network is unreachable' }, byInterface: route('wwan0') }, 'wwan0')).toEqual({ ok: false, leaves: 'has no route (Network is unreachable)' });
    expect(egressOf(undefined, 'wwan0')).toMatchObject({ ok: false });
  });
});

describe('a CA bundle given with --ca', () => {
  it('refuses junk between the PEM markers, naming the certificate and its line, and a file with no certificate', () => {
    expect(parsePemBundle('# roots\n-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n')).toEqual({ ok: false, problem: expect.stringMatching(/^certificate 1 \(line 2\) is not a valid X\.509 certificate/) });
    expect(parsePemBundle('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n')).toEqual({ ok: false, problem: 'certificate 1 (line 1) is not base64' });
    expect(parsePemBundle('just text')).toEqual({ ok: false, problem: 'it holds no PEM certificate' });
  });

  it('reads every certificate of a real bundle', () => {
    const bundle = readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8');
    const parsed = parsePemBundle(bundle);
    expect(parsed.ok && parsed.pems.length).toBe(bundle.split('-----BEGIN CERTIFICATE-----').length - 1);
  });
});

describe("the routing table's answer on macOS and Windows", () => {
  it('reads `route -n get`: a gateway is a next hop, a link is none', () => {
    expect(parseMacRouteGet(fixture('macos-route-get.txt'))).toEqual({ ok: true, route: { dev: 'en0', gateway: '192.168.1.1' } });
    expect(parseMacRouteGet('   route to: 10.64.0.1\ndestination: 10.64.0.1\n    gateway: link#14\n  interface: pdp_ip0\n')).toEqual({ ok: true, route: { dev: 'pdp_ip0', gateway: null } });
    expect(parseMacRouteGet('   route to: fe80::1\n    gateway: fe80::1%en0\n  interface: en0\n')).toEqual({ ok: true, route: { dev: 'en0', gateway: 'fe80::1' } });
    expect(parseMacRouteGet('route: writing to routing socket: not in table')).toEqual({ ok: false, error: 'route: writing to routing socket: not in table' });
  });

  it("reads Find-NetRoute's answers in order: 0.0.0.0 is on-link, a refusal keeps its message", () => {
    expect(parseWindowsRoutes(fixture('windows-find-netroute.json'), 3)).toEqual([
      { ok: true, route: { dev: 'Ethernet', gateway: '172.31.232.1' } },
      { ok: true, route: { dev: 'Cellular', gateway: null } },
      { ok: false, error: 'No matching MSFT_NetRoute objects found by CIM query' },
    ]);
  });
});
