import type { PathClass } from '../../core/netpath/netpath';

export interface HardwarePort {
  readonly port: string;
  readonly device: string;
}

/** Parses `networksetup -listallhardwareports`: blocks of "Hardware Port:", "Device:", "Ethernet Address:". */
export function parseHardwarePorts(text: string): HardwarePort[] {
  const ports: HardwarePort[] = [];
  let port: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const portMatch = /^Hardware Port:\s*(.+)$/.exec(line);
    if (portMatch) {
      port = portMatch[1]!.trim();
      continue;
    }
    const deviceMatch = /^Device:\s*(\S+)\s*$/.exec(line);
    if (deviceMatch && port !== undefined) {
      ports.push({ port, device: deviceMatch[1]! });
      port = undefined;
    }
  }
  return ports;
}

export function classifyMacPort(p: HardwarePort): { class: PathClass; reason: string } {
  const name = p.port;
  if (/wi-?fi|airport/i.test(name)) return { class: 'wifi', reason: `hardware port "${name}"` };
  if (/iphone usb|ipad usb|modem|wwan|cellular|lte|5g/i.test(name)) return { class: 'cellular', reason: `hardware port "${name}" (tethered phone or modem)` };
  if (/bridge|vpn|bluetooth|vlan|bond/i.test(name)) return { class: 'virtual', reason: `hardware port "${name}"` };
  if (/ethernet|lan|thunderbolt|usb.*\d+\/\d+/i.test(name)) return { class: 'wired', reason: `hardware port "${name}"` };
  return { class: 'virtual', reason: `unrecognised hardware port "${name}"` };
}
