import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endChild, killAfter } from './children';

/**
 * A small network for path proofs, built from Linux network namespaces and veth pairs: a "site"
 * (the key room) with a wired link to provider A and a cellular link to provider B, plus a second
 * link into provider A's bridge for the common-failure case. Both providers announce the same
 * anycast sign-in server (10.99.0.1 and fd99::1) and the same anycast resolver (10.53.0.53);
 * each also runs a resolver on its gateway. The site's links are IPv4 until a test gives one IPv6.
 * The site's /etc/resolv.conf (through /etc/netns) names no server until a test writes one.
 * Nothing leaves these namespaces.
 */
export const TARGET_NAME = 'login.keyward.test';
export const TARGET_ADDRESS = '10.99.0.1';
export const TARGET_ADDRESS_V6 = 'fd99::1';
/** The resolver both providers announce away from their gateways. */
export const ANYCAST_RESOLVER = '10.53.0.53';

/** The site's links: address, gateway and source-routing table of each, by family. */
export const LINKS = {
  wired0: { v4: '10.91.1.2', gw4: '10.91.1.1', v6: 'fd00:91::2', gw6: 'fd00:91::1', table: 91 },
  wwan1: { v4: '10.91.1.3', gw4: '10.91.1.1', v6: 'fd00:91::3', gw6: 'fd00:91::1', table: 93 },
  wwan0: { v4: '10.92.1.2', gw4: '10.92.1.1', v6: 'fd00:92::2', gw6: 'fd00:92::1', table: 92 },
} as const;
export type SiteLink = keyof typeof LINKS;

// Every command the lab runs is bounded: a synchronous one that hung would stop the worker's
// event loop, and the test's timeout with it.
const COMMAND_LIMIT = killAfter(30_000);
const sh = (command: string) => execFileSync('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], ...COMMAND_LIMIT }).toString();

export function labUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  for (const tool of ['ip', 'dnsmasq', 'openssl']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], COMMAND_LIMIT).status !== 0) return `${tool} is not installed`;
  }
  const probe = `kwprobe${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], COMMAND_LIMIT);
  if (made.status !== 0) return `network namespaces cannot be created here: ${made.error?.message ?? made.stderr.toString().trim()}`;
  spawnSync('ip', ['netns', 'del', probe], COMMAND_LIMIT);
  return undefined;
}

/** Writes ca.pem, rogue-ca.pem and a server certificate and key from each into `d`. */
export function makeTestCertificates(d: string): void {
  const ext = join(d, 'san.ext');
  writeFileSync(ext, `subjectAltName=DNS:${TARGET_NAME},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  for (const ca of ['ca', 'rogue-ca']) {
    sh(`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Keyward Test ${ca}" -keyout ${d}/${ca}.key -out ${d}/${ca}.pem`);
    sh(
      `openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${TARGET_NAME}" -keyout ${d}/${ca}-server.key -out ${d}/${ca}-server.csr && ` +
        `openssl x509 -req -in ${d}/${ca}-server.csr -CA ${d}/${ca}.pem -CAkey ${d}/${ca}.key -CAcreateserial -days 2 -extfile ${ext} -out ${d}/${ca}-server.pem`,
    );
  }
}

export class NetnsLab {
  readonly site: string;
  readonly provA: string;
  readonly provB: string;
  readonly #children = new Map<string, ChildProcess>();

  constructor(readonly dir: string) {
    const id = process.pid % 100000;
    this.site = `kws${id}`;
    this.provA = `kwa${id}`;
    this.provB = `kwb${id}`;
  }

  /** Certificates: a test CA with a server certificate for the target name, and an impostor. */
  makeCertificates(): void {
    makeTestCertificates(this.dir);
  }

  async up(): Promise<void> {
    const { site, provA, provB } = this;
    sh(`ip netns add ${site} && ip netns add ${provA} && ip netns add ${provB}`);
    // IPv6 addresses stay on a link that goes down and up again, as IPv4 ones do (a test takes provider B's link down).
    for (const ns of [site, provA, provB]) sh(`ip -n ${ns} link set lo up && ip netns exec ${ns} sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1`);
    // wired0 and wwan1 both end in provider A's bridge; wwan0 goes to provider B.
    sh(`ip link add wired0 netns ${site} type veth peer name up0 netns ${provA}`);
    sh(`ip link add wwan1 netns ${site} type veth peer name up1 netns ${provA}`);
    sh(`ip link add wwan0 netns ${site} type veth peer name up0 netns ${provB}`);
    sh(`ip -n ${provA} link add br0 type bridge && ip -n ${provA} link set up0 master br0 && ip -n ${provA} link set up1 master br0`);
    sh(`ip -n ${provA} addr add 10.91.1.1/24 dev br0 && ip -n ${provA} -6 addr add fd00:91::1/64 dev br0 nodad && ip -n ${provA} link set br0 up && ip -n ${provA} link set up0 up && ip -n ${provA} link set up1 up`);
    sh(`ip -n ${provB} addr add 10.92.1.1/24 dev up0 && ip -n ${provB} -6 addr add fd00:92::1/64 dev up0 nodad && ip -n ${provB} link set up0 up`);
    for (const ns of [provA, provB]) {
      sh(`ip -n ${ns} addr add ${TARGET_ADDRESS}/32 dev lo && ip -n ${ns} -6 addr add ${TARGET_ADDRESS_V6}/128 dev lo nodad && ip -n ${ns} addr add ${ANYCAST_RESOLVER}/32 dev lo`);
    }
    for (const dev of Object.keys(LINKS) as SiteLink[]) {
      const link = LINKS[dev];
      sh(`ip -n ${site} addr add ${link.v4}/24 dev ${dev} && ip -n ${site} link set ${dev} up`);
      // Source routing: traffic from each address leaves by its own link, as a multi-homed room needs.
      this.sourceRule(dev, true);
    }
    this.writeResolvConf([]);
    await Promise.all([this.startResolver(provA, ['10.91.1.1', 'fd00:91::1']), this.startResolver(provB, ['10.92.1.1', 'fd00:92::1']), this.startTarget(provA, 'ca'), this.startTarget(provB, 'ca')]);
  }

  /** Adds (or removes) a link's IPv4 source rule and the default route of its table. */
  sourceRule(dev: SiteLink, present: boolean): void {
    const link = LINKS[dev];
    if (present) sh(`ip -n ${this.site} rule add from ${link.v4} table ${link.table} && ip -n ${this.site} route replace default via ${link.gw4} dev ${dev} table ${link.table}`);
    else sh(`ip -n ${this.site} rule del from ${link.v4} table ${link.table}`);
  }

  /** Gives a site link its IPv6 address with a source rule and default route (or takes them away). */
  ipv6(dev: SiteLink, present: boolean): void {
    const link = LINKS[dev];
    if (present) {
      sh(`ip -n ${this.site} -6 addr add ${link.v6}/64 dev ${dev} nodad`);
      sh(`ip -n ${this.site} -6 rule add from ${link.v6} table ${link.table} && ip -n ${this.site} -6 route replace default via ${link.gw6} dev ${dev} table ${link.table}`);
    } else {
      sh(`ip -n ${this.site} -6 rule del from ${link.v6} table ${link.table}`);
      sh(`ip -n ${this.site} -6 route flush table ${link.table}; ip -n ${this.site} -6 addr del ${link.v6}/64 dev ${dev}`);
    }
  }

  /** Takes a site link's IPv4 address away (an IPv6-only link), or gives it back with its rule and route. */
  ipv4(dev: SiteLink, present: boolean): void {
    const link = LINKS[dev];
    if (present) {
      sh(`ip -n ${this.site} addr add ${link.v4}/24 dev ${dev}`);
      this.sourceRule(dev, true);
    } else {
      this.sourceRule(dev, false);
      sh(`ip -n ${this.site} route flush table ${link.table}; ip -n ${this.site} addr del ${link.v4}/24 dev ${dev}`);
    }
  }

  /** The site's /etc/resolv.conf, which `ip netns exec` mounts over the system's. */
  writeResolvConf(servers: readonly string[]): void {
    mkdirSync(`/etc/netns/${this.site}`, { recursive: true });
    writeFileSync(`/etc/netns/${this.site}/resolv.conf`, servers.length ? servers.map((s) => `nameserver ${s}\n`).join('') : '# this site names no resolver\n');
  }

  /**
   * Starts a server in a namespace (ending the one it replaces first, so that the two never
   * compete for a port) and waits until it says `ready`. One that does not start in time, or
   * exits first, is killed and the wait fails; `down()` kills the rest.
   */
  async #spawn(key: string, ns: string, command: string[], ready?: string): Promise<void> {
    const previous = this.#children.get(key);
    this.#children.delete(key);
    if (previous) await endChild(previous, 1_000);
    const child = spawn('ip', ['netns', 'exec', ns, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#children.set(key, child);
    if (!ready) return;
    await new Promise<void>((resolve, reject) => {
      let said = '';
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('close', exited);
        child.off('error', settle);
        if (!error) return resolve();
        child.kill('SIGKILL');
        reject(error);
      };
      const timer = setTimeout(() => settle(new Error(`${key} did not start within 10 s: ${said.slice(-500)}`)), 10_000);
      // The output is read for as long as the server runs: a full pipe would stall it (dnsmasq logs every query).
      const watch = (chunk: Buffer) => {
        if (settled) return;
        said += chunk.toString();
        if (said.includes(ready)) settle();
      };
      const exited = (code: number | null, signal: NodeJS.Signals | null) => settle(new Error(`${key} exited with ${code ?? signal} before it was ready: ${said.slice(-500)}`));
      child.stdout!.on('data', watch);
      child.stderr!.on('data', watch);
      // 'close', not 'exit': by then everything the server said on its way out has been read.
      child.once('close', exited);
      child.once('error', settle);
    });
  }

  /** A resolver (dnsmasq) in a provider, answering the target name with its A and AAAA records. */
  startResolver(ns: string, listen: readonly string[]): Promise<void> {
    return this.#spawn(`dns-${ns}`, ns, [
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--bind-interfaces',
      ...listen.map((address) => `--listen-address=${address}`),
      `--address=/${TARGET_NAME}/${TARGET_ADDRESS}`,
      `--address=/${TARGET_NAME}/${TARGET_ADDRESS_V6}`,
      `--pid-file=${join(this.dir, `dnsmasq-${ns}.pid`)}`,
      '--user=root',
      '--log-facility=-',
    ], 'started');
  }

  /** Serves the target name in a provider, on every address (IPv4 and IPv6) unless told one, signed by the test CA or by an impostor CA. */
  startTarget(ns: string, ca: 'ca' | 'rogue-ca', listen = '::'): Promise<void> {
    const script = new URL('./tls-target.mjs', import.meta.url).pathname;
    return this.#spawn(`tls-${ns}`, ns, [process.execPath, script, listen, '443', join(this.dir, `${ca}-server.pem`), join(this.dir, `${ca}-server.key`)], 'listening');
  }

  run(ns: string, command: string): void {
    sh(`ip netns exec ${ns} sh -c '${command}'`);
  }

  /** Kills every server the lab started and deletes its namespaces; safe to call more than once. */
  down(): void {
    for (const child of this.#children.values()) child.kill('SIGKILL');
    this.#children.clear();
    for (const ns of [this.site, this.provA, this.provB]) spawnSync('ip', ['netns', 'del', ns], COMMAND_LIMIT);
    rmSync(`/etc/netns/${this.site}`, { recursive: true, force: true });
  }
}
