/**
 * The Entra ID endpoints, said once: what a proof reaches when no target is named, and what
 * counts as having reached Entra ID's sign-in.
 */

export interface EndpointTarget {
  readonly host: string;
  readonly port: number;
  /** Why an emergency sign-in needs it. */
  readonly why: string;
}

/** Hosts of Entra ID's sign-in service, in the public and national clouds. */
export const ENTRA_SIGN_IN_HOSTS = ['login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'] as const;

/** What an emergency sign-in with a FIDO2 key or a smartcard needs to reach (public cloud). */
export const EMERGENCY_SIGN_IN_TARGETS: readonly EndpointTarget[] = [
  { host: 'login.microsoftonline.com', port: 443, why: 'the sign-in and token endpoint' },
  { host: 'aadcdn.msftauth.net', port: 443, why: "the sign-in page's scripts and styles" },
  { host: 'aadcdn.msauth.net', port: 443, why: "the sign-in page's scripts and styles" },
  { host: 'certauth.login.microsoftonline.com', port: 443, why: 'certificate-based authentication (smartcards)' },
];

const ENTRA_HOSTS: ReadonlySet<string> = new Set<string>([...ENTRA_SIGN_IN_HOSTS, ...EMERGENCY_SIGN_IN_TARGETS.map((t) => t.host)]);

/** The host of a recorded target ("host:port" or "[v6]:port"), lower case. */
export const targetHost = (target: unknown): string => String(target).replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();

/** A proof reached Entra ID when it reached a sign-in host and nothing but Entra ID's endpoints. */
export function reachedEntra(targets: readonly unknown[]): { readonly ok: true } | { readonly ok: false; readonly foreign: readonly string[] } {
  const foreign = targets.map(String).filter((t) => !ENTRA_HOSTS.has(targetHost(t)));
  const signIn = targets.some((t) => (ENTRA_SIGN_IN_HOSTS as readonly string[]).includes(targetHost(t)));
  return foreign.length === 0 && signIn ? { ok: true } : { ok: false, foreign };
}
