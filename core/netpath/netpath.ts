/** What kind of link an interface is; two paths need different kinds to avoid a common failure. */
export const PATH_CLASSES = ['wired', 'wifi', 'cellular', 'virtual', 'loopback'] as const;
export type PathClass = (typeof PATH_CLASSES)[number];

/** Only these can carry an independent path to Entra ID; virtual links ride on another one. */
export const PROVABLE_CLASSES: readonly PathClass[] = ['wired', 'wifi', 'cellular'];

/** The next hop of a path's route to a target, as the kernel chose it. */
export interface NextHop {
  /** The router's address; null for a point-to-point or on-link route, which the interface identifies. */
  readonly gateway: string | null;
  /** The interface the path's traffic leaves by. */
  readonly dev: string;
  /** The interface by which this machine reaches the gateway (null when there is none or it is unknown). */
  readonly via: string | null;
}

export interface PathEvidence {
  readonly interface: string;
  readonly class: PathClass;
  /** Up: every target answered through this interface with a verified TLS handshake. */
  readonly status: 'up' | 'failed' | 'unproven';
  readonly reason: string;
  /** The next hops of the routes the path's successful traffic took; an up path without one is unproven. */
  readonly nextHops: readonly NextHop[];
}

export type PathVerdict = 'met' | 'not_met' | 'common_failure';

export interface PathJudgement {
  readonly verdict: PathVerdict;
  readonly summary: string;
}

/** A link-local router address names a router only on its own link. */
const hopKey = (hop: NextHop): string => (hop.gateway === null ? `dev ${hop.dev}` : /^fe80:/i.test(hop.gateway) ? `${hop.gateway.replace(/%.*$/, '').toLowerCase()}%${hop.dev}` : hop.gateway.toLowerCase());

/** Why two up paths share a failure, or null when they are independent. */
export function sharedFailure(a: PathEvidence, b: PathEvidence): string | null {
  if (a.interface === b.interface) return `both leave by ${a.interface}`;
  if (a.class === b.class) return `both are ${a.class}`;
  for (const x of a.nextHops) {
    for (const y of b.nextHops) {
      if (x.gateway !== null && y.gateway !== null && hopKey(x) === hopKey(y)) return `both go through the same gateway ${x.gateway}`;
      // A point-to-point link is its own next hop: another path whose router is reached through it rides on it.
      if (x.gateway === null && y.via === x.dev) return `${b.interface}'s gateway ${y.gateway} is reached through ${a.interface}`;
      if (y.gateway === null && x.via === y.dev) return `${a.interface}'s gateway ${x.gateway} is reached through ${b.interface}`;
    }
  }
  return null;
}

const hopText = (p: PathEvidence) => [...new Set(p.nextHops.map((h) => (h.gateway === null ? `point-to-point on ${h.dev}` : `via ${h.gateway}`)))].join(', ');

/**
 * The guidance: the room must reach Entra ID over at least two paths without a common failure
 * mode. Met only with two paths up, of different classes, leaving by different interfaces through
 * different next hops, neither riding on the other's point-to-point link. A path whose next hop
 * could not be established does not count.
 */
export function judgePaths(paths: readonly PathEvidence[]): PathJudgement {
  const counted = paths.map((p) => (p.status === 'up' && p.nextHops.length === 0 ? { ...p, status: 'unproven' as const, reason: `${p.reason}; its next hop could not be established` } : p));
  const up = counted.filter((p) => p.status === 'up');
  const down = counted.filter((p) => p.status !== 'up');
  const downText = down.length ? ` Not up: ${down.map((p) => `${p.interface} (${p.class}) ${p.status} — ${p.reason}`).join('; ')}.` : '';
  if (paths.length === 0) return { verdict: 'not_met', summary: 'No wired, Wi-Fi or cellular interface to probe — requirement not met.' };
  const shared: string[] = [];
  for (const [i, a] of up.entries()) {
    for (const b of up.slice(i + 1)) {
      const why = sharedFailure(a, b);
      if (!why) return { verdict: 'met', summary: `Two independent paths: ${a.interface} (${a.class}, ${hopText(a)}) and ${b.interface} (${b.class}, ${hopText(b)}).${downText}` };
      shared.push(`${a.interface} and ${b.interface}: ${why}`);
    }
  }
  if (up.length >= 2) return { verdict: 'common_failure', summary: `${up.length} paths are up (${up.map((p) => p.interface).join(', ')}) but they share a failure mode (${shared.join('; ')}) — requirement not met.${downText}` };
  if (up.length === 1) return { verdict: 'not_met', summary: `Single path — requirement not met: only ${up[0]!.interface} (${up[0]!.class}) is up.${downText}` };
  return { verdict: 'not_met', summary: `No path reached the target — requirement not met.${downText}` };
}
