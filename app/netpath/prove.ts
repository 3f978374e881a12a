import { createSecureContext } from 'node:tls';
import type { NetworkProof, PathProbeResult, PathProof, ProbeStepReport, ResolverChoice, TargetEvidence } from '../../core/netpath/evidence';
import { PROVABLE_CLASSES, judgePaths, type NextHop, type PathEvidence } from '../../core/netpath/netpath';
import type { JsonValue } from '../../core/ledger/canonical-json';
import { appendEntry } from '../../db/ledger';
import { discoverInterfaces } from '../../native/netpath/interfaces';
import { probePath } from '../../native/netpath/probe';
import { systemResolvers } from '../../native/netpath/resolvers';
import { systemRoots } from '../../native/netpath/trust';
import { recorded, type Session } from '../ports';
import { listNetworkInterfaces } from './interfaces';
import { checkProofOptions, type ProofOptions } from './proof-input';

export type { NetworkProof, PathProof };
export type ProofProgress = ProbeStepReport;

const familyText = (t: TargetEvidence) => {
  const done = t.attempts.find((a) => a.ok)!;
  const others = t.attempts.filter((a) => !a.ok).map((a) => ` (${a.error})`);
  return `${t.target} over IPv${done.family} ${done.dns ? `via resolver ${done.dns.server} (${done.dns.origin})` : '(no DNS needed)'}${others.join('')}`;
};

function statusOf(probe: PathProbeResult): { status: PathEvidence['status']; reason: string } {
  const failed = probe.targets.filter((t) => !t.ok);
  if (failed.length === 0) return { status: 'up', reason: `verified TLS to ${probe.targets.map(familyText).join('; ')}` };
  const reason = failed.map((t) => `${t.target}: ${t.attempts.map((a) => a.error).join('; ')}`).join('; ');
  // A target whose route could not be traced in any family leaves the path unproven, never failed or up.
  const traced = failed.every((t) => t.attempts.some((a) => a.proven && a.failedAt !== 'route'));
  return { status: traced ? 'failed' : 'unproven', reason };
}

function nextHopsOf(probe: PathProbeResult): NextHop[] {
  const hops = new Map<string, NextHop>();
  for (const target of probe.targets) for (const a of target.attempts) if (a.ok && a.route) hops.set(`${a.route.gateway}|${a.route.dev}|${a.route.via}`, a.route);
  return [...hops.values()];
}

/** Rounds measured times for the ledger: the evidence keeps milliseconds, not noise. */
const forLedger = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v) : v)));

/**
 * Proves the room's network paths: every input is checked first, then every wired, Wi-Fi and
 * cellular interface is probed at once, each within its own time limit and over each address
 * family it has, and the verdict with all its evidence goes into the ledger, bound to the site.
 */
export async function proveNetworkPaths(session: Session, options: ProofOptions = {}, discover = discoverInterfaces, onProgress: (report: ProofProgress) => void = () => undefined): Promise<NetworkProof> {
  const interfaces = await listNetworkInterfaces(session, discover);
  const checked = checkProofOptions(session.db, options, interfaces);
  const roots = systemRoots();
  const trust = createSecureContext({ ca: [...roots.pems, ...checked.extraRoots] });
  const trustText = `${roots.source}${checked.extraRoots.length ? ` and ${checked.extraRoots.length} root(s) from ${checked.caFile}` : ''}`;

  const probed = interfaces.filter((i) => PROVABLE_CLASSES.includes(i.class));
  const started = performance.now();
  const paths = await Promise.all(
    probed.map(async (iface): Promise<PathProof> => {
      const named = checked.dns.get(iface.name);
      const resolvers: ResolverChoice[] = named ? named.map((address) => ({ address, origin: 'dns-option' })) : await systemResolvers(iface.name);
      const base = { interface: iface.name, class: iface.class, classReason: iface.reason, resolvers };
      const sources = { ...(iface.ipv4[0] && { 4: iface.ipv4[0] }), ...(iface.ipv6[0] && { 6: iface.ipv6[0] }) };
      if (!sources[4] && !sources[6]) return { ...base, status: 'failed', reason: iface.up === false ? 'the link is down' : 'the interface has no IPv4 or IPv6 address', nextHops: [], probe: null };
      const probe = await probePath({ interface: iface.name, sources, resolvers, onlyTheseResolvers: named !== undefined }, checked.targets, { timeoutMs: checked.timeoutMs, trust, startedAt: started }, onProgress);
      return { ...base, ...statusOf(probe), nextHops: nextHopsOf(probe), probe };
    }),
  );
  const ms = Math.round(performance.now() - started);
  const judgement = judgePaths(paths);
  const targets = checked.targets.map((t) => `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`);
  const entry = recorded(session, (at) =>
    appendEntry(session.db, { kind: 'netpath.proved', actors: [session.actor], payload: { verdict: judgement.verdict, summary: judgement.summary, site: checked.site, targets, trust: trustText, ms, paths: forLedger(paths) } }, at),
  );
  return { ...judgement, site: checked.site, targets, trust: trustText, paths, ms, ledgerSeq: entry.seq, recordedAt: entry.recordedAt };
}
