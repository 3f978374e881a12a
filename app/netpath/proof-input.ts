import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { KeywardError } from '../../core/errors';
import { EMERGENCY_SIGN_IN_TARGETS } from '../../core/netpath/entra-endpoints';
import { PROVABLE_CLASSES } from '../../core/netpath/netpath';
import type { KeywardDatabase } from '../../db/connection';
import { namedSites } from '../../db/netpath-sites';
import type { ProbeTarget } from '../../native/netpath/probe';
import { parsePemBundle } from '../../native/netpath/trust';
import type { ClassifiedInterface } from './interfaces';

export interface ProofOptions {
  /** HOST:PORT each; by default Entra ID's sign-in endpoints. */
  readonly targets?: readonly string[];
  /** A PEM bundle of roots trusted besides the system's. */
  readonly caFile?: string;
  readonly timeoutSeconds?: number;
  /** Resolvers named by a custodian, IFACE=ADDRESS (IPv4 or IPv6); they replace the system's for that interface. */
  readonly dns?: readonly string[];
  /** The site (of a storage place) whose room this proof is for. */
  readonly site?: string;
}

export interface CheckedProof {
  readonly targets: readonly ProbeTarget[];
  readonly extraRoots: readonly string[];
  readonly caFile: string | null;
  readonly timeoutMs: number;
  readonly dns: ReadonlyMap<string, readonly string[]>;
  readonly site: string | null;
}

const invalid = (field: string, message: string) => new KeywardError('invalid_input', message, field);

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** HOST:PORT, [IPv6]:PORT or IPv4:PORT; a host name of proper labels (no empty ones, so no ".."). */
export function parseTarget(value: string): ProbeTarget {
  const text = value.trim();
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  const example = 'e.g. login.microsoftonline.com:443 or [2001:db8::1]:443';
  if (!match || port < 1 || port > 65535) throw invalid('target', `"${value}" is not a target HOST:PORT, ${example}`);
  if (match[1] !== undefined) {
    if (isIP(match[1]) !== 6) throw invalid('target', `"${value}": ${match[1]} in brackets is not an IPv6 address`);
    return { host: match[1], port };
  }
  const host = match[2]!.replace(/\.$/, '');
  if (/^[\d.]+$/.test(host) && /\d/.test(host)) {
    if (isIP(host) !== 4) throw invalid('target', `"${value}": ${host} is not an IPv4 address`);
    return { host, port };
  }
  if (host.length > 253 || !host.split('.').every((label) => HOST_LABEL.test(label))) throw invalid('target', `"${value}": "${match[2]}" is not a host name (letters, digits and hyphens in dot-separated labels)`);
  return { host: host.toLowerCase(), port };
}

function readExtraRoots(caFile: string): string[] {
  let text: string;
  try {
    text = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw invalid('ca', `cannot read the CA bundle ${caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parsePemBundle(text);
  if (!parsed.ok) throw invalid('ca', `the CA bundle ${caFile} cannot be used: ${parsed.problem}`);
  return [...parsed.pems];
}

function parseResolvers(entries: readonly string[], interfaces: readonly ClassifiedInterface[]): Map<string, string[]> {
  const dns = new Map<string, string[]>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    const address = at > 0 ? entry.slice(at + 1).trim().replace(/^\[|\]$/g, '') : '';
    if (!name || !address) throw invalid('dns', `"${entry}" is not a resolver for an interface (IFACE=ADDRESS, e.g. wwan0=192.0.2.53 or wwan0=2001:db8::53)`);
    const family = isIP(address);
    if (family === 0) throw invalid('dns', `"${entry}": ${address} is not an IPv4 or IPv6 address`);
    const iface = interfaces.find((i) => i.name === name);
    if (!iface) throw invalid('dns', `"${entry}": there is no interface ${name} (this machine has ${interfaces.map((i) => i.name).join(', ') || 'none'})`);
    if (!PROVABLE_CLASSES.includes(iface.class)) throw invalid('dns', `"${entry}": ${name} is classified ${iface.class}, so it is not probed (set its class first)`);
    if ((family === 4 ? iface.ipv4 : iface.ipv6).length === 0) throw invalid('dns', `"${entry}": ${name} has no IPv${family} address to reach ${address} from`);
    dns.set(name, [...(dns.get(name) ?? []), address]);
  }
  return dns;
}

function parseSite(db: KeywardDatabase, value: string | undefined): string | null {
  const sites = namedSites(db);
  const site = value?.trim();
  if (site) {
    if (!sites.includes(site)) throw invalid('site', sites.length ? `"${site}" is not a site of any storage place (sites: ${sites.join(', ')})` : `"${site}" is not a site of any storage place: no storage place names a site`);
    return site;
  }
  if (sites.length > 1) throw invalid('site', `say which site this proof is for (--site): the storage places are at ${sites.join(', ')}`);
  return sites[0] ?? null;
}

/** Every input of a proof, checked before anything is probed or written. */
export function checkProofOptions(db: KeywardDatabase, options: ProofOptions, interfaces: readonly ClassifiedInterface[]): CheckedProof {
  const targets = options.targets?.length ? options.targets.map(parseTarget) : EMERGENCY_SIGN_IN_TARGETS.map(({ host, port }) => ({ host, port }));
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  if (typeof timeoutSeconds !== 'number' || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 120) throw invalid('timeout', 'the timeout must be between 0 and 120 seconds');
  const extraRoots = options.caFile ? readExtraRoots(options.caFile) : [];
  const dns = parseResolvers(options.dns ?? [], interfaces);
  const site = parseSite(db, options.site);
  return { targets, extraRoots, caFile: options.caFile ?? null, timeoutMs: timeoutSeconds * 1000, dns, site };
}
