import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMERGENCY_SIGN_IN_TARGETS, reachedEntra } from '../../core/netpath/entra-endpoints';
import { openTestSession } from '../../test/support/session';
import { addPlace } from '../inventory/inventory';
import type { ClassifiedInterface } from './interfaces';
import { checkProofOptions, parseTarget } from './proof-input';

const iface = (name: string, cls: ClassifiedInterface['class'], ipv4: string[], ipv6: string[] = []): ClassifiedInterface => ({ name, class: cls, reason: 'test', ipv4, ipv6, up: true, overridden: false });
const INTERFACES = [iface('eth0', 'wired', ['192.0.2.10']), iface('wwan0', 'cellular', [], ['2001:db8::10']), iface('docker0', 'virtual', ['172.17.0.1'])];

describe('the inputs of a network proof, checked before anything is probed', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it("proves Entra ID's sign-in endpoints by default, listed once in core (they are not contacted here)", () => {
    const checked = checkProofOptions(s.db, {}, INTERFACES);
    expect(checked.targets).toEqual(EMERGENCY_SIGN_IN_TARGETS.map(({ host, port }) => ({ host, port })));
    expect(checked.targets[0]).toEqual({ host: 'login.microsoftonline.com', port: 443 });
    expect(reachedEntra(checked.targets.map((t) => `${t.host}:${t.port}`))).toEqual({ ok: true });
    expect(reachedEntra(['aadcdn.msauth.net:443'])).toMatchObject({ ok: false }); // a CDN alone is not the sign-in
    expect(checked).toMatchObject({ extraRoots: [], timeoutMs: 10_000, site: null });
  });

  it('reads host names, IPv4 and bracketed IPv6 targets, and refuses what is none of them', () => {
    expect(parseTarget('LOGIN.microsoftonline.com.:443')).toEqual({ host: 'login.microsoftonline.com', port: 443 });
    expect(parseTarget('192.0.2.1:8443')).toEqual({ host: '192.0.2.1', port: 8443 });
    expect(parseTarget('[2001:db8::1]:443')).toEqual({ host: '2001:db8::1', port: 443 });
    for (const [bad, message] of [
      ['..', 'is not a target HOST:PORT'],
      ['..:443', '".." is not a host name'],
      ['a..b:443', 'is not a host name'],
      ['-a.example:443', 'is not a host name'],
      ['999.1.1.1:443', '999.1.1.1 is not an IPv4 address'],
      ['1.2.3:443', '1.2.3 is not an IPv4 address'],
      ['[::g]:443', 'is not an IPv6 address'],
      ['2001:db8::1:443', 'is not a target HOST:PORT'],
      ['example.net:0', 'is not a target HOST:PORT'],
      ['example.net:65536', 'is not a target HOST:PORT'],
    ]) {
      expect(() => parseTarget(bad!), bad).toThrow(message);
    }
  });

  it('takes --dns for IPv4 and IPv6, and refuses a bad address, an unknown or unprobed interface, or a family it lacks', () => {
    expect(checkProofOptions(s.db, { dns: ['eth0=192.0.2.53', 'wwan0=2001:db8::53', 'wwan0=[2001:db8::54]'] }, INTERFACES).dns).toEqual(
      new Map([
        ['eth0', ['192.0.2.53']],
        ['wwan0', ['2001:db8::53', '2001:db8::54']],
      ]),
    );
    for (const [entry, message] of [
      ['wwan0=999.1.1.1', '999.1.1.1 is not an IPv4 or IPv6 address'],
      ['wwan0=1.2.3', '1.2.3 is not an IPv4 or IPv6 address'],
      ['nosuchif=192.0.2.53', 'there is no interface nosuchif (this machine has eth0, wwan0, docker0)'],
      ['docker0=192.0.2.53', 'docker0 is classified virtual, so it is not probed'],
      ['wwan0=192.0.2.53', 'wwan0 has no IPv4 address to reach 192.0.2.53 from'],
      ['eth0', 'is not a resolver for an interface'],
    ]) {
      expect(() => checkProofOptions(s.db, { dns: [entry!] }, INTERFACES), entry).toThrow(message);
    }
  });

  it('binds the proof to the only site, asks which when there are two, and refuses a site no place names', () => {
    expect(() => checkProofOptions(s.db, { site: 'North room' }, INTERFACES)).toThrow('"North room" is not a site of any storage place: no storage place names a site');
    addPlace(s, { name: 'North safe', site: 'North room' });
    expect(checkProofOptions(s.db, {}, INTERFACES).site).toBe('North room');
    addPlace(s, { name: 'South safe', site: 'South room' });
    expect(() => checkProofOptions(s.db, {}, INTERFACES)).toThrow('say which site this proof is for (--site): the storage places are at North room, South room');
    expect(checkProofOptions(s.db, { site: 'South room' }, INTERFACES).site).toBe('South room');
    expect(() => checkProofOptions(s.db, { site: 'Atlantis' }, INTERFACES)).toThrow('"Atlantis" is not a site of any storage place (sites: North room, South room)');
  });
});
