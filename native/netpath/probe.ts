import { Resolver } from 'node:dns/promises';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type PeerCertificate, type SecureContext } from 'node:tls';
import { egressOf, judgeEgress } from './egress';

export type { FamilyAttempt, PathProbeResult, ProbeStepReport, TargetEvidence };
import type { AddressFamily, FamilyAttempt, PathProbeResult, ProbeStep, ProbeStepReport, ResolverChoice, TargetEvidence } from '../../core/netpath/evidence';
import { DEFAULT_ROUTE_QUERY, askRoutingTable, egressQuestions, type EgressFacts } from './routes';

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
}

export interface PathToProbe {
  readonly interface: string;
  /** The interface's address of each family it has: every packet of the probe is sent from one of them. */
  readonly sources: { readonly 4?: string; readonly 6?: string };
  /** Resolvers in the order the system prefers them; the path's gateway is tried as well unless `onlyTheseResolvers`. */
  readonly resolvers: readonly ResolverChoice[];
  /** A custodian named the resolvers (`--dns`): the gateway is not tried. */
  readonly onlyTheseResolvers: boolean;
}

export interface ProbeSettings {
  readonly timeoutMs: number;
  /** When the proof began (performance.now()): the path's time runs from then, its own preparation included. */
  readonly startedAt?: number;
  /** The trusted roots (the system's, plus any the custodian added), as one context. */
  readonly trust: SecureContext;
}

class StepError extends Error {
  constructor(
    readonly step: ProbeStep,
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const familyName = (f: AddressFamily) => `IPv${f}`;

/** Every step gets what is left of the path's time; nothing waits past the deadline, and work it abandons can fail later unseen. */
export function withDeadline<T>(deadline: number, step: ProbeStep, work: Promise<T>, onTimeout?: () => void): Promise<T> {
  const remaining = deadline - performance.now();
  if (remaining <= 0) {
    work.catch(() => undefined); // it is abandoned: its later failure is no one's to handle
    onTimeout?.();
    return Promise.reject(new StepError(step, `no time was left for ${step}`, true));
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new StepError(step, `${step} did not finish within the path's time limit`, true));
    }, remaining);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describeName(name: PeerCertificate['subject']): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** What the routing table said about a path before any target was resolved. */
interface PathRoutes {
  readonly usable: ResolverChoice[];
  readonly refused: string[];
  /** The interface each known gateway is reached by (the main table's answer). */
  readonly via: Map<string, string | null>;
}

const pairs = <T>(list: readonly T[]): [T, T][] => list.flatMap((x, i) => (i % 2 === 0 ? [[x, list[i + 1]!] as [T, T]] : []));

/**
 * Two batched questions to the routing table, before any target is resolved: which gateway each
 * family's default route uses, and whether each resolver's query provably leaves by this
 * interface; then whether the gateways (tried as resolvers too) do, and which interface reaches each.
 */
async function tracePath(path: PathToProbe): Promise<PathRoutes> {
  const families = ([4, 6] as const).filter((f) => path.sources[f] !== undefined);
  const named = path.resolvers.filter((c) => path.sources[isIP(c.address) as AddressFamily] !== undefined);
  const refused = path.resolvers.filter((c) => !named.includes(c)).map((c) => `${c.address} (${c.origin}): ${path.interface} has no ${familyName(isIP(c.address) as AddressFamily)} address to reach it from`);
  const first = await askRoutingTable([...families.flatMap((f) => egressQuestions(DEFAULT_ROUTE_QUERY[f], path.sources[f]!, path.interface)), ...named.flatMap((c) => egressQuestions(c.address, path.sources[isIP(c.address) as AddressFamily]!, path.interface))]);
  const answers = first ? pairs(first).map(([bySource, byInterface]) => ({ bySource, byInterface })) : [];
  const gateways = families.flatMap((f, i) => {
    const egress = egressOf(answers[i], path.interface);
    return egress.ok && egress.gateway && !/^fe80:/i.test(egress.gateway) ? [{ address: egress.gateway, family: f }] : [];
  });
  const extra = path.onlyTheseResolvers ? [] : gateways.filter((g) => !named.some((c) => c.address === g.address));
  const second = await askRoutingTable([...extra.flatMap((g) => egressQuestions(g.address, path.sources[g.family]!, path.interface)), ...gateways.map((g) => ({ destination: g.address }))]);
  const via = new Map<string, string | null>();
  gateways.forEach((g, i) => {
    const answer = second?.[extra.length * 2 + i];
    via.set(g.address, answer?.ok ? answer.route.dev : null);
  });
  const candidates: { choice: ResolverChoice; facts: EgressFacts | undefined }[] = [
    ...named.map((choice, i) => ({ choice, facts: answers[families.length + i] })),
    ...extra.map((g, i) => ({ choice: { address: g.address, origin: 'gateway' as const }, facts: second ? { bySource: second[i * 2]!, byInterface: second[i * 2 + 1]! } : undefined })),
  ];
  const usable: ResolverChoice[] = [];
  for (const { choice, facts } of candidates) {
    const verdict = await judgeEgress(facts, 'the DNS query to', choice.address, path.sources[isIP(choice.address) as AddressFamily]!, path.interface);
    if (verdict.ok) usable.push(choice);
    else refused.push(`${choice.address} (${choice.origin}): ${verdict.error}`);
  }
  return { usable, refused, via };
}

async function resolveOver(path: PathToProbe, routes: PathRoutes, host: string, family: AddressFamily, deadline: number) {
  const { usable, refused } = routes;
  if (usable.length === 0) {
    throw new StepError('route', refused.length ? `no resolver is reachable through ${path.interface}: ${refused.join('; ')}` : `no resolver for ${path.interface}: the system names none and the path has no gateway (give one with --dns ${path.interface}=ADDRESS)`);
  }
  const started = performance.now();
  const queries = usable.map((choice) => {
    const resolver = new Resolver({ timeout: Math.max(1, Math.floor(deadline - performance.now())), tries: 1 });
    resolver.setLocalAddress(path.sources[4] ?? '0.0.0.0', path.sources[6] ?? '::0');
    resolver.setServers([choice.address]);
    const query = family === 6 ? resolver.resolve6(host) : resolver.resolve4(host);
    return {
      resolver,
      answer: query.then(
        (addresses) => ({ choice, addresses }),
        (error: NodeJS.ErrnoException) => Promise.reject(new Error(`${choice.address} (${choice.origin}): ${error.code ?? error.message}`)),
      ),
    };
  });
  try {
    const { choice, addresses } = await withDeadline(
      deadline,
      'dns',
      Promise.any(queries.map((q) => q.answer)).catch((error: AggregateError) => {
        throw new StepError('dns', `no ${family === 6 ? 'AAAA' : 'A'} record for ${host}: ${error.errors.map((e: Error) => e.message).join('; ')}`);
      }),
    );
    return { server: choice.address, origin: choice.origin, ms: round(performance.now() - started), addresses };
  } finally {
    for (const q of queries) q.resolver.cancel();
  }
}

/** The interface a next hop is reached by: a link-local one only on its own link, any other as the main table says. */
async function reachedBy(gateway: string | null, iface: string, known: Map<string, string | null>): Promise<string | null> {
  if (gateway === null) return null;
  if (/^fe80:/i.test(gateway)) return iface;
  if (known.has(gateway)) return known.get(gateway)!;
  const [answer] = (await askRoutingTable([{ destination: gateway }])) ?? [];
  return answer?.ok ? answer.route.dev : null;
}

async function attemptFamily(path: PathToProbe, target: ProbeTarget, family: AddressFamily, settings: ProbeSettings, deadline: number, traced: Promise<PathRoutes>, report: (step: ProbeStepReport['step'], ok?: boolean) => void): Promise<FamilyAttempt> {
  const source = path.sources[family]!;
  let proven = false;
  let dns: FamilyAttempt['dns'];
  let route: FamilyAttempt['route'];
  let tcp: FamilyAttempt['tcp'];
  let socket: Socket | undefined;
  try {
    let address = target.host;
    report('route');
    const routes = await withDeadline(deadline, 'route', traced);
    if (!isIP(target.host)) {
      report('dns');
      if (routes.usable.length) proven = true; // the query provably leaves by this interface
      dns = await resolveOver(path, routes, target.host, family, deadline);
      address = dns.addresses[0]!;
    }
    report('route');
    const verdict = await withDeadline(deadline, 'route', askRoutingTable(egressQuestions(address, source, path.interface)).then((a) => judgeEgress(a && { bySource: a[0]!, byInterface: a[1]! }, 'traffic to', address, source, path.interface)));
    if (!verdict.ok) throw new StepError('route', verdict.error);
    route = { dev: path.interface, gateway: verdict.gateway, via: await withDeadline(deadline, 'route', reachedBy(verdict.gateway, path.interface, routes.via)) };
    proven = true;

    report('tcp');
    const tcpStarted = performance.now();
    socket = await withDeadline(
      deadline,
      'tcp',
      new Promise<Socket>((resolve, reject) => {
        const s = tcpConnect({ host: address, port: target.port, localAddress: source });
        s.once('connect', () => resolve(s));
        s.once('error', (error: NodeJS.ErrnoException) => reject(new StepError('tcp', `TCP to ${family === 6 ? `[${address}]` : address}:${target.port} failed: ${error.code ?? error.message}`)));
        socket = s;
      }),
      () => socket?.destroy(),
    );
    tcp = { ms: round(performance.now() - tcpStarted), local: `${socket.localAddress}:${socket.localPort}`, remote: `${family === 6 ? `[${address}]` : address}:${target.port}` };

    report('tls');
    const tlsStarted = performance.now();
    const secure = await withDeadline(
      deadline,
      'tls',
      new Promise<ReturnType<typeof tlsConnect>>((resolve, reject) => {
        const t = tlsConnect({ socket, host: target.host, servername: isIP(target.host) ? undefined : target.host, secureContext: settings.trust, rejectUnauthorized: true });
        t.once('secureConnect', () => resolve(t));
        t.once('error', (error: NodeJS.ErrnoException) => reject(new StepError('tls', `TLS with ${target.host} failed verification: ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim())));
      }),
    );
    const cert = secure.getPeerCertificate();
    const tls = { ms: round(performance.now() - tlsStarted), protocol: secure.getProtocol() ?? 'unknown', subject: describeName(cert.subject), issuer: describeName(cert.issuer), fingerprint256: cert.fingerprint256, validTo: cert.valid_to };
    secure.destroy();
    report('done', true);
    return { family, source, ok: true, proven, dns, route, tcp, tls };
  } catch (error) {
    socket?.destroy();
    const failure = error instanceof StepError ? error : new StepError('tcp', (error as Error).message);
    report('done', false);
    const message = failure.timedOut ? `${familyName(family)} timed out at ${failure.step}: ${failure.message}` : `${familyName(family)} failed at ${failure.step}: ${failure.message}`;
    return { family, source, ok: false, failedAt: failure.step, ...(failure.timedOut && { timedOut: true }), error: message, proven, dns, route, tcp };
  }
}

/**
 * Probes every target through one interface within one time limit, over each address family the
 * interface has: resolve through a resolver the query provably reaches through this interface,
 * find the kernel's route to the resolved address from the interface's own address (its next hop
 * is the path's gateway), connect TCP from that address, and complete a verified TLS handshake.
 */
export async function probePath(path: PathToProbe, targets: readonly ProbeTarget[], settings: ProbeSettings, onStep: (report: ProbeStepReport) => void = () => undefined): Promise<PathProbeResult> {
  const started = settings.startedAt ?? performance.now();
  const deadline = started + settings.timeoutMs;
  const traced = tracePath(path);
  traced.catch(() => undefined); // awaited by each attempt, within its deadline
  const results = await Promise.all(
    targets.map(async (target): Promise<TargetEvidence> => {
      const label = `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;
      const literal = isIP(target.host);
      const families = ([6, 4] as const).filter((f) => path.sources[f] !== undefined && (literal === 0 || literal === f));
      if (families.length === 0) {
        return { target: label, ok: false, attempts: [{ family: literal === 6 ? 6 : 4, source: '', ok: false, failedAt: 'route', error: `${path.interface} has no ${literal === 6 ? 'IPv6' : 'IPv4'} address to reach ${label} from`, proven: false }] };
      }
      const attempts = await Promise.all(families.map((family) => attemptFamily(path, target, family, settings, deadline, traced, (step, ok) => onStep({ interface: path.interface, target: label, family, step, ok }))));
      const done = attempts.find((a) => a.ok);
      return { target: label, ok: done !== undefined, ...(done && { family: done.family }), attempts };
    }),
  );
  return { interface: path.interface, sources: path.sources, targets: results, ms: round(performance.now() - started) };
}
