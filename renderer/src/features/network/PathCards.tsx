import { Fragment } from 'react';
import type { NetworkProofView } from '../../../../electron/common/channels';

type Path = NetworkProofView['paths'][number];
type Attempt = NonNullable<Path['probe']>['targets'][number]['attempts'][number];

const ORIGINS: Record<string, string> = { 'dns-option': 'set by a custodian', 'systemd-resolved': 'systemd-resolved, this link', 'resolv.conf': '/etc/resolv.conf', gateway: 'the gateway' };
const VERDICTS: Record<string, string> = { met: 'Met', common_failure: 'Common failure mode', not_met: 'Not met' };

const hopText = (path: Path) => [...new Set(path.nextHops.map((h) => (h.gateway === null ? `point-to-point on ${h.dev}` : `${h.gateway}${h.via && h.via !== h.dev ? ` (reached through ${h.via})` : ''}`)))].join(', ') || '—';

function attemptText(a: Attempt): string {
  if (a.ok) {
    const ms = Math.round((a.dns?.ms ?? 0) + (a.tcp?.ms ?? 0) + (a.tls?.ms ?? 0));
    return `IPv${a.family} up in ${ms} ms (${a.dns ? `DNS ${Math.round(a.dns.ms)}, ` : ''}TCP ${Math.round(a.tcp?.ms ?? 0)}, TLS ${Math.round(a.tls?.ms ?? 0)})`;
  }
  return `IPv${a.family} ${a.timedOut ? 'timed out' : 'failed'} at ${a.failedAt ?? 'an unknown step'}`;
}

/** One path's evidence: its class, next hop, resolver, and each target over each family. */
export function PathCard({ path }: { readonly path: Path }) {
  const done = path.probe?.targets.flatMap((t) => t.attempts).find((a) => a.ok);
  const resolver = done?.dns ? `${done.dns.server} (${ORIGINS[done.dns.origin] ?? done.dns.origin})` : path.resolvers.map((r) => `${r.address} (${ORIGINS[r.origin] ?? r.origin})`).join(', ') || 'the gateway';
  return (
    <article className={`path-card path-${path.status}`} aria-label={`${path.interface}: ${path.status}`}>
      <header>
        <code>{path.interface}</code> <span className="path-class">{path.class}</span>
        <span className={`state result-${path.status === 'up' ? 'ok' : path.status === 'failed' ? 'missing' : 'anomaly'}`}>{path.status.toUpperCase()}</span>
      </header>
      <dl>
        <dt>Next hop</dt>
        <dd>{hopText(path)}</dd>
        <dt>Resolver</dt>
        <dd>{resolver}</dd>
        {(path.probe?.targets ?? []).map((t) => (
          <Fragment key={t.target}>
            <dt>{t.target}</dt>
            <dd>{t.attempts.map(attemptText).join('; ')}</dd>
          </Fragment>
        ))}
        <dt>Certificate</dt>
        <dd>{done?.tls ? `${done.tls.subject} — issued by ${done.tls.issuer}` : '—'}</dd>
        <dt>Fingerprint</dt>
        <dd className="hash">{done?.tls?.fingerprint256 ?? '—'}</dd>
        <dt>Detail</dt>
        <dd className="payload">{path.reason}</dd>
      </dl>
    </article>
  );
}

/** A proof's verdict and every path's card. */
export function ProofView({ proof, heading }: { readonly proof: Pick<NetworkProofView, 'verdict' | 'summary' | 'targets' | 'paths' | 'ledgerSeq' | 'site'> & { readonly ms?: number }; readonly heading: string }) {
  const met = proof.verdict === 'met';
  return (
    <>
      <div className={`banner ${met ? 'banner-ok' : 'banner-bad'}`} role={met ? 'status' : 'alert'} aria-label={heading}>
        <strong>{VERDICTS[proof.verdict] ?? proof.verdict}</strong> — {proof.summary}
        <div className="head">
          {heading} · site {proof.site ?? '(none named)'} · targets {proof.targets.join(', ')}
          {proof.ms === undefined ? '' : ` · ${proof.ms} ms`} · ledger entry {proof.ledgerSeq}
        </div>
      </div>
      <div className="path-cards">
        {proof.paths.map((path) => (
          <PathCard key={path.interface} path={path} />
        ))}
      </div>
    </>
  );
}
