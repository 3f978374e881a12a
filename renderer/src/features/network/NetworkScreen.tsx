import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';

type Proof = ChannelResults['netpath:probe'];
type Path = Proof['paths'][number];
type Iface = ChannelResults['netpath:interfaces'][number];

const CLASSES = ['wired', 'wifi', 'cellular', 'virtual', 'loopback'] as const;

export function NetworkScreen() {
  const { value: interfaces, reload } = useChannel('netpath:interfaces', {});
  const [proof, setProof] = useState<Proof | undefined>(undefined);
  const [probing, setProbing] = useState(false);
  const [error, setError] = useState<ReplyError | undefined>(undefined);

  async function prove() {
    setProbing(true);
    setError(undefined);
    const reply = await invoke('netpath:probe', {});
    setProbing(false);
    if (reply.ok) setProof(reply.value);
    else setError(reply.error);
  }

  return (
    <section aria-labelledby="network-title" className="screen">
      <h2 id="network-title">Network paths</h2>
      <p className="hint">
        The guidance: the room must reach Entra ID over at least two network paths without a common failure mode. Keyward probes every wired, Wi-Fi and cellular interface at once and proves each path with a
        verified TLS handshake that provably leaves through that interface.
      </p>
      <div className="verify-form">
        <button type="button" onClick={() => void prove()} disabled={probing}>
          {probing ? 'Probing every path…' : 'Prove network paths'}
        </button>
        <span className="progress" role="status" aria-live="polite">
          {probing ? 'Probing: each path has its own time limit.' : ''}
        </span>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {proof && (
        <>
          <div className={`banner ${proof.verdict === 'met' ? 'banner-ok' : 'banner-bad'}`} role={proof.verdict === 'met' ? 'status' : 'alert'}>
            <strong>{proof.verdict === 'met' ? 'Met' : proof.verdict === 'common_failure' ? 'Common failure mode' : 'Not met'}</strong> — {proof.summary}
            <div className="head">
              Targets: {proof.targets.join(', ')} · {proof.ms} ms · ledger entry {proof.ledgerSeq}
            </div>
          </div>
          <div className="path-cards">
            {proof.paths.map((path) => (
              <PathCard key={path.interface} path={path} />
            ))}
          </div>
        </>
      )}
      <section className="inventory-section" aria-labelledby="interfaces-title">
        <h3 id="interfaces-title" className="section-title">
          Interfaces
        </h3>
        <div className="section-body">
          <DataTable<Iface>
            caption="What the operating system reports, and what Keyward makes of it"
            rows={interfaces}
            rowKey={(i) => i.name}
            empty="No interfaces found."
            columns={[
              { header: 'Interface', cell: (i) => <code>{i.name}</code> },
              { header: 'Class', cell: (i) => `${i.class}${i.overridden ? ' (set by a custodian)' : ''}` },
              { header: 'IPv4', cell: (i) => i.ipv4.join(', ') || '—' },
              { header: 'Why', cell: (i) => <span className="payload">{i.reason}</span> },
            ]}
          />
          <ClassifyForm interfaces={interfaces ?? []} onSaved={() => void reload()} />
        </div>
      </section>
    </section>
  );
}

function PathCard({ path }: { readonly path: Path }) {
  const target = path.probe?.targets[0];
  const latency = target?.tls ? Math.round((target.dns?.ms ?? 0) + (target.tcp?.ms ?? 0) + target.tls.ms) : undefined;
  return (
    <article className={`path-card path-${path.status}`} aria-label={`${path.interface}: ${path.status}`}>
      <header>
        <code>{path.interface}</code> <span className="path-class">{path.class}</span>
        <span className={`state result-${path.status === 'up' ? 'ok' : 'missing'}`}>{path.status.toUpperCase()}</span>
      </header>
      <dl>
        <dt>Latency</dt>
        <dd>{latency === undefined ? '—' : `${latency} ms (DNS ${target?.dns?.ms ?? 0}, TCP ${target?.tcp?.ms}, TLS ${target?.tls?.ms})`}</dd>
        <dt>Gateway</dt>
        <dd>{path.probe?.gateway ?? '—'}</dd>
        <dt>Certificate</dt>
        <dd>{target?.tls ? `${target.tls.subject} — issued by ${target.tls.issuer}` : '—'}</dd>
        <dt>Fingerprint</dt>
        <dd className="hash">{target?.tls?.fingerprint256 ?? '—'}</dd>
        <dt>Detail</dt>
        <dd>{path.reason}</dd>
      </dl>
    </article>
  );
}

function ClassifyForm({ interfaces, onSaved }: { readonly interfaces: readonly Iface[]; readonly onSaved: () => void }) {
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const note = String(data.get('note') ?? '').trim();
    const reply = await invoke('netpath:classify', { interface: String(data.get('interface') ?? ''), class: String(data.get('class') ?? ''), ...(note && { note }) });
    if (reply.ok) {
      setError(undefined);
      onSaved();
    } else setError(reply.error);
  }
  return (
    <form className="entity-form" aria-label="Set an interface's class" onSubmit={(e) => void submit(e)}>
      <h3>Set an interface's class</h3>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="fields">
        <div className="field">
          <label htmlFor="classify-interface">Interface</label>
          <select id="classify-interface" name="interface">
            {interfaces.map((i) => (
              <option key={i.name}>{i.name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="classify-class">Class</label>
          <select id="classify-class" name="class">
            {CLASSES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="classify-note">Why</label>
          <input id="classify-note" name="note" type="text" autoComplete="off" />
        </div>
      </div>
      <button type="submit">Set class</button>
    </form>
  );
}
