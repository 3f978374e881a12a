import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../test/support/session';
import { classifyLinux, readSysfs } from './linux-interfaces';
import { classifyMacPort, parseHardwarePorts } from './macos-ports';
import { classifyWindows, parseGetNetAdapter } from './windows-adapters';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/netpath/${name}`, import.meta.url), 'utf8');

describe('classifying Linux interfaces from sysfs', () => {
  const dir = temporaryDirectory('keyward-sysfs-');
  afterAll(() => dir.remove());

  /** Builds a /sys/class/net entry the way the kernel lays it out. */
  function iface(name: string, facts: { type: number; devtype?: string; driver?: string; wireless?: boolean; physical?: boolean }) {
    const root = join(dir.path, 'class-net', name);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'type'), `${facts.type}\n`);
    writeFileSync(join(root, 'uevent'), `INTERFACE=${name}\nIFINDEX=2\n${facts.devtype ? `DEVTYPE=${facts.devtype}\n` : ''}`);
    if (facts.wireless) mkdirSync(join(root, 'wireless'));
    if (facts.physical) {
      const device = join(dir.path, 'devices', name);
      mkdirSync(device, { recursive: true });
      if (facts.driver) {
        mkdirSync(join(dir.path, 'drivers', facts.driver), { recursive: true });
        symlinkSync(join(dir.path, 'drivers', facts.driver), join(device, 'driver'));
      }
      symlinkSync(device, join(root, 'device'));
    }
  }

  it('tells wired, Wi-Fi, cellular (by DEVTYPE and by modem driver), virtual and loopback apart', () => {
    iface('enp0s31f6', { type: 1, driver: 'e1000e', physical: true });
    iface('wlp2s0', { type: 1, devtype: 'wlan', driver: 'iwlwifi', wireless: true, physical: true });
    iface('wwan0', { type: 519, devtype: 'wwan', driver: 'qmi_wwan', physical: true });
    iface('enx0c5b8f279a64', { type: 1, driver: 'cdc_ether', physical: true });
    iface('veth7f3a', { type: 1 });
    iface('wg0', { type: 65534 });
    iface('lo', { type: 772 });
    const classes = Object.fromEntries(readSysfs(join(dir.path, 'class-net')).map((f) => [f.name, classifyLinux(f).class]));
    expect(classes).toEqual({ enp0s31f6: 'wired', wlp2s0: 'wifi', wwan0: 'cellular', enx0c5b8f279a64: 'cellular', veth7f3a: 'virtual', wg0: 'virtual', lo: 'loopback' });
    expect(classifyLinux(readSysfs(join(dir.path, 'class-net')).find((f) => f.name === 'enx0c5b8f279a64')!).reason).toMatch(/cdc_ether/);
  });

  it('reads this machine\'s own /sys/class/net', () => {
    const facts = readSysfs();
    expect(facts.find((f) => f.name === 'lo')).toMatchObject({ type: 772 });
    expect(classifyLinux(facts.find((f) => f.name === 'lo')!).class).toBe('loopback');
  });
});

describe('classifying Windows adapters from recorded Get-NetAdapter output', () => {
  it('names each adapter\'s class', () => {
    const adapters = parseGetNetAdapter(fixture('windows-get-netadapter.json'));
    expect(adapters.map((a) => [a.Name, classifyWindows(a).class])).toEqual([
      ['Ethernet', 'wired'],
      ['Wi-Fi', 'wifi'],
      ['Cellular', 'cellular'],
      ['vEthernet (Default Switch)', 'virtual'],
      ['Corp VPN', 'virtual'],
      ['Loopback Pseudo-Interface 1', 'loopback'],
    ]);
  });

  it('reads a single adapter (an object, not an array) and refuses output that is not JSON', () => {
    expect(parseGetNetAdapter('\uFEFF{"Name":"Ethernet","InterfaceDescription":"Realtek PCIe GbE","MediaType":"802.3","PhysicalMediaType":"802.3","Virtual":false,"Status":"Up"}')).toHaveLength(1);
    expect(() => parseGetNetAdapter('Get-NetAdapter : Access denied')).toThrow(/not JSON/);
    expect(() => parseGetNetAdapter('[{"Status":"Up"}]')).toThrow(/entry 0 has no Name/);
  });
});

describe('classifying macOS hardware ports from recorded networksetup output', () => {
  it('names each port\'s class', () => {
    const ports = parseHardwarePorts(fixture('macos-listallhardwareports.txt'));
    expect(ports.map((p) => [p.device, classifyMacPort(p).class])).toEqual([
      ['en0', 'wired'],
      ['en1', 'wifi'],
      ['bridge0', 'virtual'],
      ['en6', 'cellular'],
      ['en7', 'wired'],
    ]);
  });
});
