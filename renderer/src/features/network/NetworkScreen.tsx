import { useEffect, useState, type FormEvent } from 'react';
import type { KeywardEvents } from '../../../../electron/common/bridge';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { formatLocalTime } from '../../lib/format';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';
import { useFocusBack } from '../../lib/useFocusBack';
import { ProofView } from './PathCards';

type Proof = ChannelResults['netpath:probe'];
type Iface = ChannelResults['netpath:interfaces'][number];
type Progress = KeywardEvents['netpath:progress'];

const CLASSES = ['wired', 'wifi', 'cellular', 'virtual', 'loopback'] as const;
const PROBED = new Set(['wired', 'wifi', 'cellular']);
const DAY = 86_400_000;

/** Follows main's progress events while a probe runs: the latest step of each path, target and family. */
function useProbeProgress(): [ReadonlyMap<string, Progress>, () => void] {
  const [steps, setSteps] = useState<ReadonlyMap<string, Progress>>(new Map());
  useEffect(() => (window.keyward ? window.keyward.on('netpath:progress', (p) => setSteps((m) => new Map(m).set(`${p.interface} IPv${p.family} ${p.target}`, p))) : undefined), []);
  return [steps, () => setSteps(new Map())];
}

const age = (recordedAt: string) => {
  const days = Math.floor((Date.now() - Date.parse(recordedAt)) / DAY);
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
};

export function NetworkScreen() {
  const { value: interfaces, reload } = useChannel('netpath:interfaces', {});
  const { value: recorded } = useChannel('netpath:proofs', {});
  const [resolvers, setResolvers] = useState<Readonly<Record<string, string>>>({});
  const [site, setSite] = useState('');
  const [proof, setProof] = useState<Proof | undefined>(undefined);
  const [probing, setProbing] = useState(false);
  const proveButton = useFocusBack<HTMLButtonElement>(probing);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [steps, clearSteps] = useProbeProgress();
  const sites = recorded?.sites ?? [];

  async function prove(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProbing(true);
    setError(undefined);
    clearSteps();
    const dns = Object.entries(resolvers)
      .filter(([, address]) => address.trim() !== '')
      .map(([name, address]) => `${name}=${address.trim()}`);
    const reply = await invoke('netpath:probe', { ...(dns.length && { dns }), ...(site && { site }) });
    setProbing(false);
    if (reply.ok) setProof(reply.value);
    else setError(reply.error);
  }

  return (
    <section aria-labelledby="network-title" className="screen">
      <h2 id="network-title">Network paths</h2>
      <p className="hint">
        The guidance: the room must reach Entra ID over at least two network paths without a common failure mode. Keyward probes every wired, Wi-Fi and cellular interface at once, over IPv4 and IPv6, and proves each path with a
        verified TLS handshake whose route provably leaves through that interface; two paths count only with different classes, interfaces and next hops.
      </p>
      <form className="verify-form" aria-label="Prove the network paths" onSubmit={(e) => void prove(e)}>
        {sites.length > 0 && (
          <div className="field">
            <label htmlFor="netpath-site">Site</label>
            <select id="netpath-site" value={site} onChange={(e) => setSite(e.target.value)}>
              {sites.length > 1 && <option value="">Choose the site…</option>}
              {sites.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
        )}
        <button ref={proveButton} type="submit" disabled={probing}>
          {probing ? 'Probing every path…' : 'Prove network paths'}
        </button>
      </form>
      {/* A list may not carry role="status" itself: the live region wraps it. */}
      <div role="status" aria-label="Probe progress" aria-live="polite">
        <ul className="progress">
          {probing && steps.size === 0 && <li>Starting: each path has its own time limit.</li>}
          {[...steps].map(([key, p]) => (
            <li key={key}>
              {key}: {p.step === 'done' ? (p.ok ? 'verified' : 'did not complete') : p.step}
            </li>
          ))}
        </ul>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {proof && <ProofView proof={proof} heading="This proof" />}
      <section className="inventory-section" aria-labelledby="interfaces-title">
        <h3 id="interfaces-title" className="section-title">
          Interfaces
        </h3>
        <div className="section-body">
          <DataTable<Iface>
            caption="What the operating system reports, what Keyward makes of it, and the resolver each probed path uses"
            rows={interfaces}
            rowKey={(i) => i.name}
            empty="No interfaces found."
            columns={[
              { header: 'Interface', cell: (i) => <code>{i.name}</code> },
              { header: 'Class', cell: (i) => `${i.class}${i.overridden ? ' (set by a custodian)' : ''}` },
              { header: 'Addresses', cell: (i) => [...i.ipv4, ...i.ipv6].join(', ') || '—' },
              {
                header: 'Resolver',
                cell: (i) =>
                  PROBED.has(i.class) ? (
                    <input
                      type="text"
                      aria-label={`Resolver for ${i.name}`}
                      placeholder="the system's"
                      autoComplete="off"
                      value={resolvers[i.name] ?? ''}
                      onChange={(e) => setResolvers((r) => ({ ...r, [i.name]: e.target.value }))}
                    />
                  ) : (
                    'not probed'
                  ),
              },
              { header: 'Why', cell: (i) => <span className="payload">{i.reason}</span> },
            ]}
          />
          <ClassifyForm interfaces={interfaces ?? []} onSaved={() => void reload()} />
        </div>
      </section>
      <section className="inventory-section" aria-labelledby="recorded-title">
        <h3 id="recorded-title" className="section-title">
          Last proof of each site
        </h3>
        <div className="section-body">
          {recorded && recorded.proofs.length === 0 && <p className="hint">No proof has been recorded yet.</p>}
          {sites
            .filter((s) => !recorded?.proofs.some((p) => p.site === s))
            .map((s) => (
              <p key={s} className="banner banner-warning">
                {s}: never proved.
              </p>
            ))}
          {recorded?.proofs.map((p) => (
            <ProofView key={p.site ?? ''} proof={p} heading={`${p.site ?? 'No site named'}, recorded ${formatLocalTime(p.recordedAt)} (${age(p.recordedAt)})`} />
          ))}
        </div>
      </section>
    </section>
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
