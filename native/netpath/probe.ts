import { Resolver } from 'node:dns/promises';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { ROUTE_PROBE_ADDRESS, egressRoute, type EgressRoute } from './routes';

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
}

export interface PathToProbe {
  readonly interface: string;
  /** The interface's IPv4 address: every packet of the probe is sent from it. */
  readonly source: string;
  /** The resolver to ask through this path; by default the path's gateway. */
  readonly dnsServer?: string;
}

export interface ProbeSettings {
  readonly timeoutMs: number;
  /** PEM bundle that replaces the system's trusted roots, for a private or test CA. */
  readonly ca?: string;
}

export type ProbeStage = 'route' | 'dns' | 'tcp' | 'tls' | 'timeout';

export interface TargetEvidence {
  readonly target: string;
  readonly ok: boolean;
  /** Where it failed, and why, in words. */
  readonly failedAt?: ProbeStage;
  readonly error?: string;
  /** The routing table confirmed the traffic leaves through this interface. */
  readonly proven: boolean;
  readonly dns?: { readonly server: string; readonly ms: number; readonly addresses: readonly string[] };
  readonly tcp?: { readonly ms: number; readonly local: string; readonly remote: string };
  readonly tls?: { readonly ms: number; readonly protocol: string; readonly subject: string; readonly issuer: string; readonly fingerprint256: string; readonly validTo: string };
}

export interface PathProbeResult {
  readonly interface: string;
  readonly source: string;
  readonly gateway: string | null;
  readonly targets: readonly TargetEvidence[];
  readonly ms: number;
}

class StageError extends Error {
  constructor(
    readonly stage: ProbeStage,
    message: string,
    readonly proven = false,
  ) {
    super(message);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Every step gets what is left of the path's time; nothing waits past the deadline. */
function withDeadline<T>(deadline: number, stage: ProbeStage, work: Promise<T>, onTimeout?: () => void): Promise<T> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) return Promise.reject(new StageError('timeout', `no time left before ${stage}`));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new StageError('timeout', `${stage} did not finish within the path's time limit`));
    }, remaining);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function proveEgress(path: PathToProbe, destination: string, what: string): Promise<EgressRoute> {
  const route = await egressRoute(destination, path.source);
  if (!route) throw new StageError('route', `the routing table could not say which interface ${what} ${destination} leaves by`);
  if (route.dev !== path.interface) throw new StageError('route', `${what} ${destination} from ${path.source} would leave by ${route.dev}, not ${path.interface} (add a source routing rule for this interface)`);
  return route;
}

function describeName(cert: PeerCertificate['subject']): string {
  if (!cert) return '';
  return Object.entries(cert)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

async function probeTarget(path: PathToProbe, target: ProbeTarget, settings: ProbeSettings, deadline: number, gateway: string | null): Promise<TargetEvidence> {
  const label = `${target.host}:${target.port}`;
  let proven = false;
  let dns: TargetEvidence['dns'];
  let tcp: TargetEvidence['tcp'];
  let socket: Socket | undefined;
  try {
    let address = target.host;
    if (!isIP(target.host)) {
      const server = path.dnsServer ?? gateway;
      if (!server) throw new StageError('dns', `no resolver for ${path.interface}: it has no gateway; configure one`);
      await proveEgress(path, server, 'the DNS query to');
      proven = true; // the query itself provably leaves by this interface
      const resolver = new Resolver({ timeout: Math.max(1, Math.floor(deadline - performance.now())), tries: 1 });
      resolver.setLocalAddress(path.source);
      resolver.setServers([server]);
      const started = performance.now();
      const addresses = await withDeadline(deadline, 'dns', resolver.resolve4(target.host), () => resolver.cancel()).catch((error: unknown) => {
        if (error instanceof StageError) throw error;
        throw new StageError('dns', `${server} could not resolve ${target.host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      });
      dns = { server, ms: round(performance.now() - started), addresses };
      address = addresses[0]!;
    }
    await proveEgress(path, address, 'traffic to');
    proven = true;

    const tcpStarted = performance.now();
    socket = await withDeadline(
      deadline,
      'tcp',
      new Promise<Socket>((resolve, reject) => {
        const s = tcpConnect({ host: address, port: target.port, localAddress: path.source });
        s.once('connect', () => resolve(s));
        s.once('error', (error: NodeJS.ErrnoException) => reject(new StageError('tcp', `TCP to ${address}:${target.port} failed: ${error.code ?? error.message}`, true)));
        socket = s;
      }),
      () => socket?.destroy(),
    );
    tcp = { ms: round(performance.now() - tcpStarted), local: `${socket.localAddress}:${socket.localPort}`, remote: `${address}:${target.port}` };

    const tlsStarted = performance.now();
    const secure = await withDeadline(
      deadline,
      'tls',
      new Promise<ReturnType<typeof tlsConnect>>((resolve, reject) => {
        const t = tlsConnect({ socket, host: target.host, servername: isIP(target.host) ? undefined : target.host, ca: settings.ca, rejectUnauthorized: true });
        t.once('secureConnect', () => resolve(t));
        t.once('error', (error: NodeJS.ErrnoException) => reject(new StageError('tls', `TLS with ${target.host} failed verification: ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim(), true)));
      }),
    );
    const cert = secure.getPeerCertificate();
    const tls = {
      ms: round(performance.now() - tlsStarted),
      protocol: secure.getProtocol() ?? 'unknown',
      subject: describeName(cert.subject),
      issuer: describeName(cert.issuer),
      fingerprint256: cert.fingerprint256,
      validTo: cert.valid_to,
    };
    secure.end();
    secure.destroy();
    return { target: label, ok: true, proven, dns, tcp, tls };
  } catch (error) {
    socket?.destroy();
    const stage = error instanceof StageError ? error : new StageError('tcp', (error as Error).message);
    return { target: label, ok: false, failedAt: stage.stage, error: stage.message, proven: proven || stage.proven, dns, tcp };
  }
}

/**
 * Probes every target through one interface, within one time limit: resolve through a resolver
 * bound to the interface's address, confirm from the routing table that the traffic leaves by
 * that interface, connect TCP from its address, and complete a verified TLS handshake.
 */
export async function probePath(path: PathToProbe, targets: readonly ProbeTarget[], settings: ProbeSettings): Promise<PathProbeResult> {
  const started = performance.now();
  const deadline = started + settings.timeoutMs;
  const gateway = (await egressRoute(ROUTE_PROBE_ADDRESS, path.source))?.gateway ?? null;
  const results = await Promise.all(targets.map((target) => probeTarget(path, target, settings, deadline, gateway)));
  return { interface: path.interface, source: path.source, gateway, targets: results, ms: round(performance.now() - started) };
}
