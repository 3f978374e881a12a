import { lastProofPerSite, listNetworkInterfaces, overrideClassification, proveNetworkPaths, type PathProof } from '../../app/netpath/netpath';
import type { CommandModule } from '../command';
import { table } from '../format';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

/** The first target that completed, for the table: its family, latency, resolver and certificate. */
function firstDone(path: PathProof) {
  for (const target of path.probe?.targets ?? []) {
    const attempt = target.attempts.find((a) => a.ok);
    if (attempt) return attempt;
  }
  return undefined;
}

const hops = (path: PathProof) => [...new Set(path.nextHops.map((h) => h.gateway ?? `p2p ${h.dev}`))].join(' ') || '-';

export const runs = {
  netpathInterfaces: async ({ session }) => {
    const interfaces = await listNetworkInterfaces(session());
    return {
      value: interfaces,
      human: table(['INTERFACE', 'CLASS', 'UP', 'IPV4', 'IPV6', 'WHY'], interfaces.map((i) => [i.name, i.class, i.up === null ? '?' : i.up ? 'yes' : 'no', i.ipv4.join(' '), i.ipv6.join(' '), i.reason])),
    };
  },
  netpathClassify: ({ options, session }) => {
    const result = overrideClassification(session(), { interface: options.interface, class: options.as, note: options.note });
    return { value: result, human: `${result.interface} is now classified as ${result.class}` };
  },
  netpathProbe: async ({ options, session, io }) => {
    const timeout = options.timeout === undefined ? undefined : Number(options.timeout);
    const proof = await proveNetworkPaths(
      session(),
      { targets: list(options.target), caFile: options.ca as string | undefined, timeoutSeconds: timeout, dns: list(options.dns), site: options.site as string | undefined },
      undefined,
      (p) => {
        if (io.stderrIsTerminal && p.step !== 'done') io.stderr(`${p.interface} IPv${p.family} ${p.target}: ${p.step}\n`);
      },
    );
    const rows = proof.paths.map((p) => {
      const done = firstDone(p);
      const latency = done?.tls ? `${Math.round((done.dns?.ms ?? 0) + (done.tcp?.ms ?? 0) + done.tls.ms)} ms` : '-';
      return [p.interface, p.class, p.status.toUpperCase(), done ? `IPv${done.family}` : '-', latency, hops(p), done?.dns ? `${done.dns.server} (${done.dns.origin})` : '-', done?.tls?.subject ?? '', p.reason];
    });
    const human = [
      `site: ${proof.site ?? '(no site named)'} · targets: ${proof.targets.join(', ')} · trust: ${proof.trust}`,
      table(['INTERFACE', 'CLASS', 'RESULT', 'FAMILY', 'LATENCY', 'NEXT HOP', 'RESOLVER', 'CERTIFICATE', 'DETAIL'], rows),
      '',
      `${proof.verdict === 'met' ? 'MET' : 'NOT MET'}: ${proof.summary}`,
    ].join('\n');
    return { value: proof, human, exitCode: proof.verdict === 'met' ? 0 : 2 };
  },
  netpathProofs: ({ session }) => {
    const { sites, proofs } = lastProofPerSite(session());
    const rows = proofs.map((p) => [p.site ?? '(none)', p.verdict.toUpperCase(), p.recordedAt.slice(0, 16).replace('T', ' '), String(p.ledgerSeq), p.summary]);
    const unproven = sites.filter((s) => !proofs.some((p) => p.site === s));
    const human = [table(['SITE', 'VERDICT', 'RECORDED (UTC)', 'ENTRY', 'SUMMARY'], rows), ...(unproven.length ? ['', `never proved: ${unproven.join(', ')}`] : [])].join('\n');
    return { value: { sites, proofs }, human };
  },
} satisfies CommandModule['runs'];
