import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as tls from 'node:tls';

/** The roots a probe trusts, and where they came from (for the evidence). */
export interface TrustedRoots {
  readonly pems: readonly string[];
  readonly source: string;
}

// Where Linux distributions keep the system's trusted roots as one PEM bundle.
const LINUX_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

export type ParsedBundle = { readonly ok: true; readonly pems: readonly string[] } | { readonly ok: false; readonly problem: string };

/** Every certificate of a PEM bundle, each one parsed: junk between the markers is refused, naming the certificate. */
export function parsePemBundle(text: string): ParsedBundle {
  const pems: string[] = [];
  let index = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    index += 1;
    const line = text.slice(0, match.index).split('\n').length;
    const body = match[1]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return { ok: false, problem: `certificate ${index} (line ${line}) is not base64` };
    const pem = `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
    try {
      new X509Certificate(pem);
    } catch (error) {
      return { ok: false, problem: `certificate ${index} (line ${line}) is not a valid X.509 certificate: ${(error as Error).message}` };
    }
    pems.push(pem);
  }
  if (pems.length === 0) return { ok: false, problem: 'it holds no PEM certificate' };
  return { ok: true, pems };
}

/**
 * The operating system's trusted roots: its own store where the runtime can read it (Electron's
 * Node), else the distribution's bundle on Linux, else the runtime's built-in Mozilla roots.
 */
export function systemRoots(): TrustedRoots {
  const reader = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  if (reader) {
    const pems = reader('system');
    if (pems.length) return { pems, source: 'system CA store' };
  }
  for (const path of process.platform === 'linux' ? LINUX_BUNDLES : []) {
    if (!existsSync(path)) continue;
    const parsed = parsePemBundle(readFileSync(path, 'utf8'));
    if (parsed.ok) return { pems: parsed.pems, source: `system CA store (${path})` };
  }
  return { pems: tls.rootCertificates, source: "the runtime's built-in roots (no system store found)" };
}
