import { readFileSync } from 'node:fs';
import { KeywardError } from '../../core/errors';
import { parseText } from '../../core/inventory/inventory';
import { PATH_CLASSES, PROVABLE_CLASSES, judgePaths, type PathClass, type PathEvidence, type PathJudgement } from '../../core/netpath/netpath';
import { appendEntry } from '../../db/ledger';
import { listOverrides, saveOverride } from '../../db/netpath-overrides';
import { discoverInterfaces, type DiscoveredInterface } from '../../native/netpath/interfaces';
import { probePath, type PathProbeResult, type ProbeTarget } from '../../native/netpath/probe';
import { recorded, type Session } from '../ports';

export type { DiscoveredInterface };

/** Entra ID's sign-in endpoint: what the room must be able to reach. */
export const DEFAULT_TARGETS: readonly ProbeTarget[] = [{ host: 'login.microsoftonline.com', port: 443 }];

export interface ClassifiedInterface extends DiscoveredInterface {
  /** True when a custodian's override decided the class. */
  readonly overridden: boolean;
}

export async function listNetworkInterfaces(session: Pick<Session, 'db'>, discover = discoverInterfaces): Promise<ClassifiedInterface[]> {
  const overrides = new Map(listOverrides(session.db).map((o) => [o.interface, o]));
  return (await discover()).map((iface) => {
    const override = overrides.get(iface.name);
    return override
      ? { ...iface, class: override.class, reason: `set by a custodian${override.note ? `: ${override.note}` : ''} (detected: ${iface.class} — ${iface.reason})`, overridden: true }
      : { ...iface, overridden: false };
  });
}

export function overrideClassification(session: Session, input: Record<string, unknown>): { interface: string; class: PathClass } {
  const name = parseText(input.interface, 'interface', { required: true, max: 64 });
  if (!/^[\w.:@() -]+$/.test(name)) throw new KeywardError('invalid_input', `"${name}" is not an interface name`, 'interface');
  const cls = input.class;
  if (typeof cls !== 'string' || !(PATH_CLASSES as readonly string[]).includes(cls)) throw new KeywardError('invalid_input', `class must be one of ${PATH_CLASSES.join(', ')}`, 'class');
  const note = parseText(input.note, 'note', { required: false, max: 200 });
  return recorded(session, (at) => {
    saveOverride(session.db, { interface: name, class: cls as PathClass, note, setAt: at.recordedAt });
    appendEntry(session.db, { kind: 'netpath.classified', actors: [session.actor], payload: { interface: name, class: cls, note } }, at);
    return { interface: name, class: cls as PathClass };
  });
}

export function parseTarget(value: string): ProbeTarget {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new KeywardError('invalid_input', `"${value}" is not a target HOST:PORT, e.g. login.microsoftonline.com:443`, 'target');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

export interface ProofOptions {
  readonly targets?: readonly string[];
  readonly caFile?: string;
  readonly timeoutSeconds?: number;
  /** A resolver per interface (NAME=IP); by default each path's gateway. */
  readonly dns?: readonly string[];
}

export interface PathProof {
  readonly interface: string;
  readonly class: PathClass;
  readonly classReason: string;
  readonly status: PathEvidence['status'];
  readonly reason: string;
  readonly probe: PathProbeResult | null;
}

export interface NetworkProof extends PathJudgement {
  readonly targets: readonly string[];
  readonly paths: readonly PathProof[];
  readonly ms: number;
  readonly ledgerSeq: number;
}

function statusOf(probe: PathProbeResult): { status: PathEvidence['status']; reason: string } {
  const failed = probe.targets.find((t) => !t.ok);
  if (!failed) return { status: 'up', reason: `verified TLS to ${probe.targets.map((t) => t.target).join(', ')}` };
  if (failed.failedAt === 'route' || !failed.proven) return { status: 'unproven', reason: `${failed.target}: ${failed.error}` };
  return { status: 'failed', reason: `${failed.target}: ${failed.failedAt === 'timeout' ? 'timed out — ' : ''}${failed.error}` };
}

/**
 * Proves the room's network paths: every wired, Wi-Fi and cellular interface is probed at once,
 * each within its own time limit, and the verdict with all its evidence goes into the ledger.
 */
export async function proveNetworkPaths(session: Session, options: ProofOptions = {}, discover = discoverInterfaces): Promise<NetworkProof> {
  const targets = options.targets?.length ? options.targets.map(parseTarget) : DEFAULT_TARGETS;
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 120) throw new KeywardError('invalid_input', 'the timeout must be between 0 and 120 seconds', 'timeout');
  let ca: string | undefined;
  if (options.caFile) {
    try {
      ca = readFileSync(options.caFile, 'utf8');
    } catch (error) {
      throw new KeywardError('invalid_input', `cannot read the CA bundle ${options.caFile}: ${(error as Error).message}`, 'ca');
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new KeywardError('invalid_input', `${options.caFile} holds no PEM certificate`, 'ca');
  }
  const dns = new Map<string, string>();
  for (const entry of options.dns ?? []) {
    const match = /^([^=\s]+)=([0-9.]+)$/.exec(entry);
    if (!match) throw new KeywardError('invalid_input', `"${entry}" is not a resolver for an interface (NAME=IPv4)`, 'dns');
    dns.set(match[1]!, match[2]!);
  }

  const interfaces = (await listNetworkInterfaces(session, discover)).filter((i) => PROVABLE_CLASSES.includes(i.class));
  const started = performance.now();
  const paths = await Promise.all(
    interfaces.map(async (iface): Promise<PathProof> => {
      const base = { interface: iface.name, class: iface.class, classReason: iface.reason };
      const source = iface.ipv4[0];
      if (!source) return { ...base, status: 'failed', reason: iface.up === false ? 'the link is down' : 'the interface has no IPv4 address', probe: null };
      const probe = await probePath({ interface: iface.name, source, dnsServer: dns.get(iface.name) }, targets, { timeoutMs: timeoutSeconds * 1000, ca });
      return { ...base, ...statusOf(probe), probe };
    }),
  );
  const ms = Math.round(performance.now() - started);
  const judgement = judgePaths(paths.map((p) => ({ interface: p.interface, class: p.class, status: p.status, reason: p.reason, gateway: p.probe?.gateway ?? null })));
  const targetNames = targets.map((t) => `${t.host}:${t.port}`);
  const entry = recorded(session, (at) =>
    appendEntry(
      session.db,
      {
        kind: 'netpath.proved',
        actors: [session.actor],
        payload: { verdict: judgement.verdict, summary: judgement.summary, targets: targetNames, ms, paths: JSON.parse(JSON.stringify(paths, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v) : v))) },
      },
      at,
    ),
  );
  return { ...judgement, targets: targetNames, paths, ms, ledgerSeq: entry.seq };
}
