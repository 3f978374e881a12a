import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../common/security';
import { resolveAppResource } from './app-protocol';

const ROOT = '/opt/keyward/renderer';

describe('the app:// protocol', () => {
  it('serves index.html at the root with the strict CSP', () => {
    expect(resolveAppResource('app://keyward/', ROOT)).toEqual({
      status: 200,
      path: '/opt/keyward/renderer/index.html',
      headers: expect.objectContaining({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY }),
    });
    expect(resolveAppResource('app://keyward/assets/index-abc.js', ROOT)).toMatchObject({ status: 200, path: '/opt/keyward/renderer/assets/index-abc.js' });
  });

  it.each([
    ['a climb folded by URL parsing', 'app://keyward/../../etc/passwd.js', 200],
    ['a climb hidden in encoded slashes', 'app://keyward/..%2f..%2fetc%2fpasswd.js', 403],
    ['a climb through a backslash', 'app://keyward/..%5c..%5cwindows%5cwin.ini.js', 200],
    ['another host', 'app://evil/index.html', 403],
    ['an unknown file type', 'app://keyward/secrets.db', 404],
    ['a NUL byte', 'app://keyward/index.html%00.js', 404],
    ['a malformed escape', 'app://keyward/%E0%A4%A.js', 404],
  ])('never serves outside the renderer folder: %s', (_name, url, status) => {
    const resource = resolveAppResource(url, ROOT);
    expect(resource.status).toBe(status);
    if (resource.status === 200) expect(resource.path.startsWith(`${ROOT}/`)).toBe(true);
  });

  it('keeps the network closed to the page', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});
