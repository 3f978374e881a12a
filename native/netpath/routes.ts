import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { macRoutes, windowsRoutes } from './platform-routes';

const run = promisify(execFile);

/** One answer of the routing table (a local lookup: no packet is sent). */
export interface RouteAnswer {
  /** The interface the kernel would send this traffic out of. */
  readonly dev: string;
  /** The next hop; null when the destination is on the link itself (point-to-point, on-link). */
  readonly gateway: string | null;
}

export type RouteLookup = { readonly ok: true; readonly route: RouteAnswer } | { readonly ok: false; readonly error: string };

/** A question to the routing table: `ip route get DESTINATION [from SOURCE] [oif IFACE]`. */
export interface RouteQuestion {
  readonly destination: string;
  readonly source?: string;
  readonly oif?: string;
  /** The interface that owns `source`: where the platform scopes routes by interface rather than by source (macOS). */
  readonly sourceInterface?: string;
}

/** Where the kernel sends one path's traffic to a destination. */
export interface EgressFacts {
  /** `ip route get DEST from SOURCE`: what our socket, bound to SOURCE only, actually gets. */
  readonly bySource: RouteLookup;
  /** `ip route get DEST from SOURCE oif IFACE`: the route the interface itself would use (the kernel assumes on-link when there is none). */
  readonly byInterface: RouteLookup;
}

const NAME = /^[\w.:@%-]+$/;

/**
 * Asks the routing table several questions with one `ip -batch` process (spawning is the costly
 * part on a busy machine). Each answer is in the order asked; a question the kernel refuses gets
 * its error. Undefined where the platform cannot say, so a path stays unproven, never assumed.
 */
export async function askRoutingTable(questions: readonly RouteQuestion[], platform: NodeJS.Platform = process.platform): Promise<RouteLookup[] | undefined> {
  if (questions.length === 0) return [];
  if (platform === 'darwin') return macRoutes(questions);
  if (platform === 'win32') return windowsRoutes(questions);
  if (platform !== 'linux') return undefined;
  for (const q of questions) if (![q.destination, q.source ?? 'x', q.oif ?? 'x'].every((word) => NAME.test(word))) throw new Error(`not a routing question: ${JSON.stringify(q)}`);
  return linuxRoutes(questions);
}

async function linuxRoutes(questions: readonly RouteQuestion[]): Promise<RouteLookup[]> {
  const script = questions.map((q) => `route get ${q.destination}${q.source ? ` from ${q.source}` : ''}${q.oif ? ` oif ${q.oif}` : ''}\n`).join('');
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const child = spawn('ip', ['-j', '-force', '-batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ stdout: '', stderr: `${error.message}\n` });
    });
    child.once('close', () => {
      clearTimeout(timer);
      resolve({ stdout: out, stderr: err });
    });
    child.stdin.end(script);
  });
  // stderr says "Command failed -:N" after each refused question's own message.
  const failures = new Map<number, string>();
  let said: string[] = [];
  for (const line of stderr.split('\n')) {
    const failed = /^Command failed -:(\d+)/.exec(line);
    if (failed) {
      failures.set(Number(failed[1]) - 1, said.join(' ').replace(/RTNETLINK answers:\s*/gi, '').trim() || 'the routing table refused the question');
      said = [];
    } else if (line.trim()) said.push(line.trim());
  }
  const answers = stdout.split('\n').filter((line) => line.trim().startsWith('['));
  let next = 0;
  return questions.map((_q, i): RouteLookup => {
    if (failures.has(i)) return { ok: false, error: failures.get(i)! };
    const line = answers[next++];
    if (line === undefined) return { ok: false, error: said.join(' ') || 'the routing table gave no answer' };
    const [route] = JSON.parse(line) as { dev?: string; gateway?: string }[];
    if (!route?.dev) return { ok: false, error: 'the routing table gave no interface' };
    return { ok: true, route: { dev: route.dev, gateway: route.gateway ?? null } };
  });
}

/** The two questions of egressFacts, to be asked in one batch with others. */
export const egressQuestions = (destination: string, source: string, iface: string): RouteQuestion[] => [
  { destination, source, sourceInterface: iface },
  { destination, source, oif: iface },
];

/** The policy rule that picks a table for SOURCE, when there is one (asked only to explain a failure). */
export async function sourceRule(source: string, platform: NodeJS.Platform = process.platform): Promise<{ table: string } | null> {
  if (platform !== 'linux') return null;
  try {
    const { stdout } = await run('ip', ['-j', source.includes(':') ? '-6' : '-4', 'rule', 'list', 'from', source], { timeout: 2_000 });
    const rules = JSON.parse(stdout) as { table?: string; src?: string }[];
    const rule = rules.find((r) => r.src === source && r.table !== undefined);
    return rule ? { table: rule.table! } : null;
  } catch {
    return null;
  }
}

/** Documentation addresses (RFC 5737, RFC 3849) used only to ask which gateway a source's default route uses. */
export const DEFAULT_ROUTE_QUERY = { 4: '198.51.100.1', 6: '2001:db8::1' } as const;
