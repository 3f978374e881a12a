import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, CONTENT_SECURITY_POLICY } from '../common/security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export type AppResource =
  | { readonly status: 200; readonly path: string; readonly headers: Record<string, string> }
  | { readonly status: 403 | 404; readonly reason: string };

/**
 * Maps an `app://keyward/...` URL to a file under the renderer folder, refusing any other host,
 * any path that escapes the folder, and any file type the renderer does not ship.
 */
export function resolveAppResource(url: string, rendererRoot: string): AppResource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 404, reason: 'not a URL' };
  }
  if (parsed.host !== APP_HOST) return { status: 403, reason: `host ${parsed.host} is not served` };
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return { status: 404, reason: 'malformed path' };
  }
  if (pathname.includes('\0')) return { status: 404, reason: 'malformed path' };
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = normalize(rendererRoot + sep);
  const path = normalize(join(root, relative));
  if (!path.startsWith(root)) return { status: 403, reason: 'path escapes the renderer folder' };
  const type = MIME[extname(path)];
  if (!type) return { status: 404, reason: `no such resource ${pathname}` };
  return {
    status: 200,
    path,
    headers: { 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  };
}
