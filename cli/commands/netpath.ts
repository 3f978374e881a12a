import { listNetworkInterfaces, overrideClassification, proveNetworkPaths } from '../../app/netpath/netpath';
import type { Command } from '../command';
import { table } from '../format';

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

export const netpathCommands: Command[] = [
  {
    path: ['netpath', 'interfaces'],
    summary: 'List network interfaces with their class (wired, wifi, cellular, virtual, loopback)',
    options: {},
    run: async ({ session }) => {
      const interfaces = await listNetworkInterfaces(session());
      return {
        value: interfaces,
        human: table(['INTERFACE', 'CLASS', 'UP', 'IPV4', 'WHY'], interfaces.map((i) => [i.name, i.class, i.up === null ? '?' : i.up ? 'yes' : 'no', i.ipv4.join(' '), i.reason])),
      };
    },
  },
  {
    path: ['netpath', 'classify'],
    summary: "Override an interface's class (e.g. a USB modem that looks like Ethernet); recorded in the ledger",
    options: {
      interface: { type: 'string', required: true, value: 'NAME', help: 'interface name, e.g. enx0c5b8f279a64' },
      as: { type: 'string', required: true, value: 'CLASS', help: 'wired, wifi, cellular, virtual or loopback' },
      note: { type: 'string', value: 'TEXT', help: 'why' },
    },
    run: ({ options, session }) => {
      const result = overrideClassification(session(), { interface: options.interface, class: options.as, note: options.note });
      return { value: result, human: `${result.interface} is now classified as ${result.class}` };
    },
  },
  {
    path: ['netpath', 'probe'],
    summary: 'Prove the room reaches Entra ID over two independent paths (TLS through each interface)',
    options: {
      target: { type: 'string', multiple: true, value: 'HOST:PORT', help: 'what to reach (default login.microsoftonline.com:443); replaces the default' },
      ca: { type: 'string', value: 'FILE', help: 'PEM bundle of trusted roots; replaces the system roots' },
      timeout: { type: 'string', value: 'SECONDS', help: 'time limit per path (default 10)' },
      dns: { type: 'string', multiple: true, value: 'IFACE=IP', help: "resolver to use through an interface (default: the path's gateway)" },
    },
    run: async ({ options, session }) => {
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
  },
];
