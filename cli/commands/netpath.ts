import { listNetworkInterfaces, overrideClassification, proveNetworkPaths } from '../../app/netpath/netpath';
import type { CommandModule } from '../command';
import { table } from '../format';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

export const runs = {
  netpathInterfaces: async ({ session }) => {
    const interfaces = await listNetworkInterfaces(session());
    return {
      value: interfaces,
      human: table(['INTERFACE', 'CLASS', 'UP', 'IPV4', 'WHY'], interfaces.map((i) => [i.name, i.class, i.up === null ? '?' : i.up ? 'yes' : 'no', i.ipv4.join(' '), i.reason])),
    };
  },
  netpathClassify: ({ options, session }) => {
    const result = overrideClassification(session(), { interface: options.interface, class: options.as, note: options.note });
    return { value: result, human: `${result.interface} is now classified as ${result.class}` };
  },
  netpathProbe: async ({ options, session }) => {
    const timeout = options.timeout === undefined ? undefined : Number(options.timeout);
    const proof = await proveNetworkPaths(session(), { targets: list(options.target), caFile: options.ca as string | undefined, timeoutSeconds: timeout, dns: list(options.dns) });
    const rows = proof.paths.map((p) => {
      const t = p.probe?.targets[0];
      const latency = t?.tls ? `${Math.round((t.dns?.ms ?? 0) + (t.tcp?.ms ?? 0) + t.tls.ms)} ms` : '-';
      return [p.interface, p.class, p.status.toUpperCase(), latency, p.probe?.gateway ?? '-', t?.tls?.subject ?? '', p.reason];
    });
    const human = [table(['INTERFACE', 'CLASS', 'RESULT', 'LATENCY', 'GATEWAY', 'CERTIFICATE', 'DETAIL'], rows), '', `${proof.verdict === 'met' ? 'MET' : 'NOT MET'}: ${proof.summary}`].join('\n');
    return { value: proof, human, exitCode: proof.verdict === 'met' ? 0 : 2 };
  },
} satisfies CommandModule['runs'];
