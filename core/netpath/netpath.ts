/** What kind of link an interface is; two paths need different kinds to avoid a common failure. */
export const PATH_CLASSES = ['wired', 'wifi', 'cellular', 'virtual', 'loopback'] as const;
export type PathClass = (typeof PATH_CLASSES)[number];

/** Only these can carry an independent path to Entra ID; virtual links ride on another one. */
export const PROVABLE_CLASSES: readonly PathClass[] = ['wired', 'wifi', 'cellular'];

export interface PathEvidence {
  readonly interface: string;
  readonly class: PathClass;
  /** Up: every target answered through this interface with a verified TLS handshake. */
  readonly status: 'up' | 'failed' | 'unproven';
  readonly reason: string;
  /** The next hop the routing table uses for this path, when known. */
  readonly gateway: string | null;
}

export type PathVerdict = 'met' | 'not_met' | 'common_failure';

export interface PathJudgement {
  readonly verdict: PathVerdict;
  readonly summary: string;
}

/**
 * The guidance: the room must reach Entra ID over at least two paths without a common failure
 * mode. Met only with two paths up, of different classes, through different gateways.
 */
export function judgePaths(paths: readonly PathEvidence[]): PathJudgement {
  const up = paths.filter((p) => p.status === 'up');
  const down = paths.filter((p) => p.status !== 'up');
  const downText = down.length ? ` Not up: ${down.map((p) => `${p.interface} (${p.class}) ${p.status} — ${p.reason}`).join('; ')}.` : '';
  for (const a of up) {
    for (const b of up) {
      if (a !== b && a.class !== b.class && (a.gateway === null || b.gateway === null || a.gateway !== b.gateway)) {
        return { verdict: 'met', summary: `Two independent paths: ${a.interface} (${a.class}) and ${b.interface} (${b.class}).${downText}` };
      }
    }
  }
  if (up.length >= 2) {
    const sameGateway = up.every((p) => p.gateway !== null && p.gateway === up[0]!.gateway);
    const why = sameGateway ? `all go through the same gateway ${up[0]!.gateway}` : 'they are all of one class';
    return { verdict: 'common_failure', summary: `${up.length} paths are up (${up.map((p) => p.interface).join(', ')}) but ${why}: a common failure mode — requirement not met.${downText}` };
  }
  if (up.length === 1) return { verdict: 'not_met', summary: `Single path — requirement not met: only ${up[0]!.interface} (${up[0]!.class}) is up.${downText}` };
  return { verdict: 'not_met', summary: `No path reached the target — requirement not met.${downText}` };
}
