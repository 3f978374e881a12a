import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EgressRoute {
  /** The interface the kernel would send this traffic out of. */
  readonly dev: string;
  readonly gateway: string | null;
}

/**
 * Asks the routing table (a local lookup: `ip route get DEST from SOURCE`, no packet is sent)
 * which interface traffic from this source to this destination leaves by. Undefined where the
 * platform cannot say, so the path stays unproven rather than assumed.
 */
export async function egressRoute(destination: string, source: string, platform: NodeJS.Platform = process.platform): Promise<EgressRoute | undefined> {
  if (platform !== 'linux') return undefined;
  try {
    const { stdout } = await run('ip', ['-j', 'route', 'get', destination, 'from', source], { timeout: 2_000 });
    const [route] = JSON.parse(stdout) as { dev?: string; gateway?: string }[];
    if (!route?.dev) return undefined;
    return { dev: route.dev, gateway: route.gateway ?? null };
  } catch {
    return undefined;
  }
}

/** A documentation address (RFC 5737) used only for routing-table lookups of a path's default gateway. */
export const ROUTE_PROBE_ADDRESS = '198.51.100.1';
