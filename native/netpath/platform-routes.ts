import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RouteLookup, RouteQuestion } from './routes';

const run = promisify(execFile);

/** An on-link route's next hop as Windows writes it. */
const ON_LINK = new Set(['0.0.0.0', '::']);

/** `route -n get` on macOS: the gateway line is there only when the route has a next hop. */
export function parseMacRouteGet(stdout: string): RouteLookup {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(\\S+)`, 'm').exec(stdout)?.[1];
  const dev = field('interface');
  if (!dev) return { ok: false, error: stdout.trim().split('\n').pop()?.trim() || 'the routing table gave no interface' };
  const gateway = field('gateway');
  // A gateway that names a link (link#5) or a hardware address is the link itself: no next hop.
  return { ok: true, route: { dev, gateway: gateway && /^[\d.]+$|:.*:/.test(gateway) && !/^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(gateway) ? gateway.replace(/%.*$/, '') : null } };
}

/** What the PowerShell batch of windowsRoutes prints: one answer per question, in order. */
export function parseWindowsRoutes(stdout: string, count: number): RouteLookup[] {
  const parsed = JSON.parse(stdout.trim() || '[]') as unknown;
  const answers = (Array.isArray(parsed) ? parsed : [parsed]) as { ok?: boolean; dev?: string; gateway?: string; error?: string }[];
  return Array.from({ length: count }, (_, i): RouteLookup => {
    const a = answers[i];
    if (!a?.ok || !a.dev) return { ok: false, error: a?.error?.trim() || 'the routing table gave no answer' };
    return { ok: true, route: { dev: a.dev, gateway: a.gateway && !ON_LINK.has(a.gateway) ? a.gateway : null } };
  });
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Find-NetRoute for each question in one PowerShell: the route from the source, or through the interface. */
export async function windowsRoutes(questions: readonly RouteQuestion[]): Promise<RouteLookup[]> {
  const lines = questions.map((q) => {
    const args = [`-RemoteIPAddress ${quote(q.destination)}`, ...(q.source ? [`-LocalIPAddress ${quote(q.source)}`] : []), ...(q.oif ? [`-InterfaceIndex (Get-NetAdapter -Name ${quote(q.oif)}).ifIndex`] : [])];
    return `try { $r = Find-NetRoute ${args.join(' ')} -ErrorAction Stop | Where-Object { $_.CimClass.CimClassName -eq 'MSFT_NetRoute' } | Select-Object -First 1; @{ ok = $true; dev = $r.InterfaceAlias; gateway = $r.NextHop } } catch { @{ ok = $false; error = $_.Exception.Message } }`;
  });
  const script = `@(${lines.join(',\n')}) | ConvertTo-Json -Compress -AsArray`;
  try {
    const { stdout } = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { timeout: 15_000 });
    return parseWindowsRoutes(stdout, questions.length);
  } catch (error) {
    return questions.map(() => ({ ok: false, error: (error as Error).message }));
  }
}

/** `route -n get` for each question on macOS; a question from a source or through an interface is scoped to that interface, as a socket bound to its address is. */
export function macRoutes(questions: readonly RouteQuestion[]): Promise<RouteLookup[]> {
  return Promise.all(
    questions.map(async (q): Promise<RouteLookup> => {
      const scope = q.oif ?? q.sourceInterface;
      try {
        const { stdout } = await run('route', ['-n', 'get', ...(q.destination.includes(':') ? ['-inet6'] : []), ...(scope ? ['-ifscope', scope] : []), q.destination], { timeout: 2_000 });
        return parseMacRouteGet(stdout);
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        return { ok: false, error: (e.stderr ?? '').trim() || e.message };
      }
    }),
  );
}
