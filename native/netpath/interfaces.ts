import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { PathClass } from '../../core/netpath/netpath';
import { classifyLinux, readSysfs } from './linux-interfaces';
import { classifyMacPort, parseHardwarePorts } from './macos-ports';
import { GET_NETADAPTER_COMMAND, classifyWindows, parseGetNetAdapter } from './windows-adapters';

const run = promisify(execFile);

export interface DiscoveredInterface {
  readonly name: string;
  readonly class: PathClass;
  /** Why Keyward classified it so, in words. */
  readonly reason: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly up: boolean | null;
}

function addressesOf(name: string): { ipv4: string[]; ipv6: string[] } {
  const list = networkInterfaces()[name] ?? [];
  return {
    ipv4: list.filter((a) => a.family === 'IPv4').map((a) => a.address),
    ipv6: list.filter((a) => a.family === 'IPv6' && !a.address.startsWith('fe80')).map((a) => a.address),
  };
}

function operstate(name: string): boolean | null {
  try {
    const state = readFileSync(`/sys/class/net/${name}/operstate`, 'utf8').trim();
    return state === 'unknown' ? null : state === 'up';
  } catch {
    return null;
  }
}

/** Lists this machine's interfaces with a class for each, the way its operating system describes them. */
export async function discoverInterfaces(platform: NodeJS.Platform = process.platform): Promise<DiscoveredInterface[]> {
  if (platform === 'linux') {
    return readSysfs().map((facts) => ({ name: facts.name, ...classifyLinux(facts), ...addressesOf(facts.name), up: operstate(facts.name) }));
  }
  if (platform === 'win32') {
    const { stdout } = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', GET_NETADAPTER_COMMAND], { timeout: 15_000 });
    return parseGetNetAdapter(stdout).map((a) => ({ name: a.Name, ...classifyWindows(a), ...addressesOf(a.Name), up: a.Status === null ? null : a.Status === 'Up' }));
  }
  if (platform === 'darwin') {
    const { stdout } = await run('networksetup', ['-listallhardwareports'], { timeout: 15_000 });
    const ports = new Map(parseHardwarePorts(stdout).map((p) => [p.device, p]));
    return Object.keys(networkInterfaces()).map((name) => {
      const port = ports.get(name);
      const classified = port ? classifyMacPort(port) : name.startsWith('lo') ? { class: 'loopback' as const, reason: 'loopback device' } : { class: 'virtual' as const, reason: 'not a hardware port (tunnel or system interface)' };
      return { name, ...classified, ...addressesOf(name), up: null };
    });
  }
  throw new Error(`interface discovery is not supported on ${platform}`);
}
