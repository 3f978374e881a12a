import { sourceRule, type EgressFacts } from './routes';

export type EgressVerdict = { readonly ok: true; readonly gateway: string | null } | { readonly ok: false; readonly error: string };

/**
 * Whether one path's traffic to a destination provably leaves by its own interface, and through
 * which next hop. Our sockets are bound to the path's address, not to its interface, so the
 * lookup by source decides; the lookup with the interface gives the next hop it agrees with.
 */
export function egressOf(facts: EgressFacts | undefined, iface: string): { ok: true; gateway: string | null } | { ok: false; leaves: string } {
  if (!facts) return { ok: false, leaves: "cannot be traced: this platform's routing table cannot be read" };
  const { bySource, byInterface } = facts;
  if (bySource.ok && bySource.route.dev === iface) return { ok: true, gateway: byInterface.ok && byInterface.route.dev === iface ? byInterface.route.gateway : bySource.route.gateway };
  return { ok: false, leaves: bySource.ok ? `would leave by ${bySource.route.dev}, not ${iface}` : `has no route (${bySource.error})` };
}

/** As egressOf, with a hint that fits the failure and the platform: no source rule, or a rule whose table lacks the route. */
export async function judgeEgress(
  facts: EgressFacts | undefined,
  what: string,
  destination: string,
  source: string,
  iface: string,
  platform: NodeJS.Platform = process.platform,
): Promise<EgressVerdict> {
  const egress = egressOf(facts, iface);
  if (egress.ok) return egress;
  if (!facts) return { ok: false, error: `${what} ${destination} ${egress.leaves}` };
  const failure = `${what} ${destination} from ${source} ${egress.leaves}`;
  if (platform !== 'linux') return { ok: false, error: `${failure}: ${routeHint(platform, source, iface)}` };
  const rule = await sourceRule(source, platform);
  if (rule) return { ok: false, error: `${failure}: the rule for ${source} picks table ${rule.table}, which has no route to it through ${iface} (add a default route through ${iface} to table ${rule.table})` };
  return { ok: false, error: `${failure}: ${routeHint(platform, source, iface)}` };
}

/** What an administrator of this platform changes so that traffic from SOURCE leaves by IFACE. */
export function routeHint(platform: NodeJS.Platform, source: string, iface: string): string {
  if (platform === 'darwin') return `${iface} has no default route of its own (add an interface-scoped default route: route add -ifscope ${iface} default GATEWAY)`;
  if (platform === 'win32') return `${iface} has no route there of its own (give ${iface} a default route: New-NetRoute -InterfaceAlias '${iface}' -DestinationPrefix 0.0.0.0/0 -NextHop GATEWAY, or ::/0 for IPv6)`;
  return `no rule routes ${source}'s traffic out of ${iface} (add a source routing rule for ${source} with a default route through ${iface})`;
}
