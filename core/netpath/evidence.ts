import type { NextHop, PathClass, PathEvidence, PathJudgement, PathVerdict } from './netpath';

/** The evidence of a network-path proof, as the probe gathers it and the ledger keeps it. */

export type AddressFamily = 4 | 6;

/** The steps of one path's probe, in order; each failure names its step. */
export type ProbeStep = 'route' | 'dns' | 'tcp' | 'tls';

/** Where a path's resolver came from: a custodian's --dns, systemd-resolved's servers for the link, /etc/resolv.conf, or the path's gateway. */
export type ResolverOrigin = 'dns-option' | 'systemd-resolved' | 'resolv.conf' | 'gateway';

export interface ResolverChoice {
  readonly address: string;
  readonly origin: ResolverOrigin;
}

/** How one path's attempt over one address family went, step by step. */
export interface FamilyAttempt {
  readonly family: AddressFamily;
  readonly source: string;
  readonly ok: boolean;
  /** The step that failed or ran out of time. */
  readonly failedAt?: ProbeStep;
  readonly timedOut?: boolean;
  readonly error?: string;
  /** The routing table confirmed this traffic leaves by the path's interface. */
  readonly proven: boolean;
  /** The resolver that answered. */
  readonly dns?: { readonly server: string; readonly origin: ResolverOrigin; readonly ms: number; readonly addresses: readonly string[] };
  /** The kernel's route to the resolved target: its next hop (null for point-to-point or on-link) and the interface that next hop is reached by. */
  readonly route?: NextHop;
  readonly tcp?: { readonly ms: number; readonly local: string; readonly remote: string };
  readonly tls?: { readonly ms: number; readonly protocol: string; readonly subject: string; readonly issuer: string; readonly fingerprint256: string; readonly validTo: string };
}

export interface TargetEvidence {
  readonly target: string;
  /** Some family completed DNS, TCP and a verified TLS handshake. */
  readonly ok: boolean;
  /** The family that completed. */
  readonly family?: AddressFamily;
  readonly attempts: readonly FamilyAttempt[];
}

export interface PathProbeResult {
  readonly interface: string;
  readonly sources: { readonly 4?: string; readonly 6?: string };
  readonly targets: readonly TargetEvidence[];
  readonly ms: number;
}

/** A step of one path's probe, for live progress. */
export interface ProbeStepReport {
  readonly interface: string;
  readonly target: string;
  readonly family: AddressFamily;
  readonly step: ProbeStep | 'done';
  readonly ok?: boolean;
}

export interface PathProof {
  readonly interface: string;
  readonly class: PathClass;
  readonly classReason: string;
  readonly status: PathEvidence['status'];
  readonly reason: string;
  /** The resolvers the path was given (a custodian's, else the system's for that link); its gateway is tried after them. */
  readonly resolvers: readonly ResolverChoice[];
  readonly nextHops: readonly NextHop[];
  readonly probe: PathProbeResult | null;
}

export interface NetworkProof extends PathJudgement {
  readonly site: string | null;
  readonly targets: readonly string[];
  /** Where the trusted roots came from. */
  readonly trust: string;
  readonly paths: readonly PathProof[];
  readonly ms: number;
  readonly ledgerSeq: number;
  readonly recordedAt: string;
}

/** The last recorded proof of one site, read back from the ledger. */
export interface RecordedProof {
  readonly site: string | null;
  readonly ledgerSeq: number;
  readonly recordedAt: string;
  readonly verdict: PathVerdict;
  readonly summary: string;
  readonly targets: readonly string[];
  readonly paths: readonly PathProof[];
}
