import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { ResolverChoice } from '../../core/netpath/evidence';

const run = promisify(execFile);

export type { ResolverChoice };

const usable = (address: string) => isIP(address) !== 0 && !/^127\./.test(address) && address !== '::1' && !/^fe80:/i.test(address);

/** The `nameserver` lines of a resolv.conf, loopback stubs and link-local servers left out (they do not leave by an interface). */
export function parseResolvConf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((address): address is string => address !== undefined && usable(address));
}

/** `resolvectl dns IFACE` prints "Link 3 (wlan0): 192.0.2.53 2001:db8::53"; its servers, link-local ones left out. */
export function parseResolvectlDns(stdout: string, iface: string): string[] {
  const line = stdout.split('\n').find((l) => l.includes(`(${iface}):`));
  if (!line) return [];
  return line
    .slice(line.indexOf('):') + 2)
    .trim()
    .split(/\s+/)
    .map((server) => server.replace(/#.*$/, ''))
    .filter(usable);
}

/** Whether a program is on PATH: looked up, not spawned, since a spawn is the costly part of a probe. */
const installed = (program: string): boolean => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));

/**
 * The resolvers the system has for one link: systemd-resolved's per-link servers where it runs,
 * else the servers of /etc/resolv.conf (each to be reached from that interface's address).
 */
export async function systemResolvers(iface: string, platform: NodeJS.Platform = process.platform): Promise<ResolverChoice[]> {
  if (platform === 'linux' && installed('resolvectl')) {
    try {
      const { stdout } = await run('resolvectl', ['dns', iface], { timeout: 2_000 });
      const servers = parseResolvectlDns(stdout, iface);
      if (servers.length) return servers.map((address) => ({ address, origin: 'systemd-resolved' }));
    } catch {
      // No resolvectl, or systemd-resolved is not running: resolv.conf is the system's word.
    }
  }
  if (platform === 'win32') return [];
  try {
    return parseResolvConf(await readFile('/etc/resolv.conf', 'utf8')).map((address) => ({ address, origin: 'resolv.conf' }));
  } catch {
    return [];
  }
}
