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

/** As egressOf, with a hint that fits the failure: no source rule, or a rule whose table lacks the route. */
export async function judgeEgress(facts: EgressFacts | undefined, what: string, destination: string, source: string, iface: string): Promise<EgressVerdict> {
  const egress = egressOf(facts, iface);
  if (egress.ok) return egress;
  if (!facts) return { ok: false, error: `${what} ${destination} ${egress.leaves}` };
  const rule = await sourceRule(source);
  if (rule) return { ok: false, error: `${what} ${destination} from ${source} ${egress.leaves}: the rule for ${source} picks table ${rule.table}, which has no route to it through ${iface} (add a default route through ${iface} to table ${rule.table})` };
  return { ok: false, error: `${what} ${destination} from ${source} ${egress.leaves}: no rule routes ${source}'s traffic out of ${iface} (add a source routing rule for ${source} with a default route through ${iface})` };
}
