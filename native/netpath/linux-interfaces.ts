import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PathClass } from '../../core/netpath/netpath';

/** What sysfs says about one interface. */
export interface SysfsFacts {
  readonly name: string;
  /** ARPHRD_* link type from /sys/class/net/NAME/type. */
  readonly type: number;
  readonly wireless: boolean;
  readonly devtype: string | undefined;
  readonly driver: string | undefined;
  /** Backed by hardware (has a `device` link); veth, bridges, tunnels are not. */
  readonly physical: boolean;
}

const ARPHRD_LOOPBACK = 772;
const ARPHRD_NONE = 65534;
const ARPHRD_RAWIP = 519;
// Drivers of USB and PCIe cellular modems. cdc_ether is also used by a few USB Ethernet adapters,
// which is why a custodian can override the class.
const CELLULAR_DRIVERS = new Set(['cdc_mbim', 'qmi_wwan', 'cdc_ether', 'cdc_ncm', 'huawei_cdc_ncm', 'sierra_net', 'option', 'rmnet', 'mhi_net', 'ipheth', 'rndis_host']);

export function classifyLinux(facts: SysfsFacts): { class: PathClass; reason: string } {
  if (facts.type === ARPHRD_LOOPBACK) return { class: 'loopback', reason: 'loopback device' };
  if (facts.devtype === 'wwan' || facts.type === ARPHRD_RAWIP) return { class: 'cellular', reason: `DEVTYPE=${facts.devtype ?? 'raw IP'} (a mobile broadband modem)` };
  if (facts.driver && CELLULAR_DRIVERS.has(facts.driver)) return { class: 'cellular', reason: `driver ${facts.driver} (USB modems and tethered phones)` };
  if (facts.wireless || facts.devtype === 'wlan') return { class: 'wifi', reason: 'has a wireless extension (802.11)' };
  if (!facts.physical || facts.type === ARPHRD_NONE) return { class: 'virtual', reason: `no hardware behind it${facts.devtype ? ` (DEVTYPE=${facts.devtype})` : ''}: a bridge, tunnel, VPN or veth` };
  return { class: 'wired', reason: `Ethernet${facts.driver ? ` (driver ${facts.driver})` : ''}` };
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Reads /sys/class/net (or a copy of it, for tests). */
export function readSysfs(root = '/sys/class/net'): SysfsFacts[] {
  return readdirSync(root)
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const uevent = read(join(dir, 'uevent')) ?? '';
      const devtype = /^DEVTYPE=(.+)$/m.exec(uevent)?.[1];
      let driver: string | undefined;
      try {
        driver = basename(readlinkSync(join(dir, 'device', 'driver')));
      } catch {
        driver = undefined;
      }
      return {
        name,
        type: Number(read(join(dir, 'type')) ?? NaN),
        wireless: existsSync(join(dir, 'wireless')) || existsSync(join(dir, 'phy80211')),
        devtype,
        driver,
        physical: existsSync(join(dir, 'device')),
      };
    });
}
