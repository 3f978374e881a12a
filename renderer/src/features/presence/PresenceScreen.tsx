import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';
import { describeProgress, useKeyProgress } from './useKeyProgress';
import { CardEnrolSection } from './CardEnrolSection';
import { PresenceSchedule } from './PresenceSchedule';
import { Screen } from '../../components/Layout';
import { TaskDialog } from '../../components/TaskDialog';
import { StatusChip } from '../../components/StatusChip';
import { useFocusBack } from '../../lib/useFocusBack';

type Report = ChannelResults['presence:check'];
type KeyResult = Report['results'][number];

const RESULT_LABEL = { ok: 'OK', anomaly: 'ANOMALY', missing: 'MISSING' } as const;
const SEVERITY_WORD = { critical: 'CRITICAL', warning: 'Warning', notice: 'Notice' } as const;

export function PresenceScreen() {
  const [drill, setDrill] = useState(false);
  const { value: inventory } = useChannel('inventory:overview', {});
  const { value: items } = useChannel('inventory:items', {});
  const keys = (items ?? []).filter((a) => a.enrolled && a.simulated === drill && a.state !== 'retired' && a.state !== 'lost');
  const [checking, setChecking] = useState(false);
  const [report, setReport] = useState<Report | undefined>(undefined);
  const [checkError, setCheckError] = useState<ReplyError | undefined>(undefined);
  const [checkProgress, clearCheckProgress] = useKeyProgress('check');
  const places = inventory?.places.map((p) => p.name) ?? [];
  const accounts = inventory?.accounts.map((a) => a.upn) ?? [];

  const runButton = useFocusBack<HTMLButtonElement>(checking);

  async function check(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const key = String(new FormData(event.currentTarget).get('key') ?? '');
    setChecking(true);
    setReport(undefined);
    setCheckError(undefined);
    clearCheckProgress();
    const reply = await invoke('presence:check', key ? { key, simulated: drill } : { simulated: drill });
    setChecking(false);
    if (reply.ok) setReport(reply.value);
    else setCheckError(reply.error);
  }

  return (
    <Screen
      id="presence"
      title="Presence check"
      actions={
        <label className="drill-switch">
          <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.currentTarget.checked)} disabled={checking} />
          Drill mode — rehearse with software keys and cards; results are recorded as drills
        </label>
      }
    >
      <PresenceSchedule
        actions={
          <>
            <TaskDialog opener="Enrol a key…" title={`Enrol a ${drill ? 'drill' : 'FIDO2'} key`}>
              {() => <EnrolSection drill={drill} places={places} accounts={accounts} />}
            </TaskDialog>
            <TaskDialog opener="Enrol a smartcard…" title={`Enrol a ${drill ? 'drill ' : ''}smartcard`}>
              {() => <CardEnrolSection drill={drill} places={places} accounts={accounts} />}
            </TaskDialog>
          </>
        }
      />

      <section className="inventory-section" aria-labelledby="check-title">
        <h3 id="check-title" className="section-title">
          Check {drill ? 'drill' : 'enrolled'} keys and cards
        </h3>
        <div className="section-body">
          <div>
            <p className="hint">
              For each key Keyward reads what it says about itself (never a PIN), asks for a touch, verifies a signature with the credential it enrolled, and compares with the last check. For each smartcard it finds the same card (GUID and certificates) in a reader and has it sign a fresh challenge with its Card Authentication key — again never a PIN.
            </p>
            <div className="progress" role="status" aria-live="assertive" data-testid="check-progress">
              {checking && checkProgress ? describeProgress(checkProgress, drill) : checking ? 'starting…' : ''}
            </div>
            {checkError && (
              <p className="form-error" role="alert">
                {checkError.message}
              </p>
            )}
            {report && (
              <>
                <p className={`banner ${report.ok ? 'banner-ok' : 'banner-bad'}`} role={report.ok ? 'status' : 'alert'}>
                  {report.ok
                    ? `All ${report.results.length} item(s) present and unchanged.`
                    : report.results.every((r) => r.result === 'ok')
                      ? 'Attention: the FIDO metadata reports a key checked here compromised or revoked.'
                      : 'Attention: at least one key or card is missing or shows an anomaly.'}
                </p>
                {report.metadata.length > 0 && (
                  <section className="metadata-flags" aria-label="What the FIDO metadata says of the keys checked">
                    <h4>What the FIDO metadata says of the keys checked</h4>
                    <ul>
                      {report.metadata.map((m, i) => (
                        <li key={i}>
                          <StatusChip tone={m.severity === 'notice' ? 'neutral' : m.severity}>{SEVERITY_WORD[m.severity]}</StatusChip> {m.text}
                        </li>
                      ))}
                    </ul>
                  </section>
                )}
                <DataTable<KeyResult>
                  caption="Results of this check"
                  rows={report.results}
                  rowKey={(r) => r.authenticatorId}
                  empty="Nothing was checked."
                  columns={[
                    { header: 'Item', cell: (r) => `${r.label}${r.drill ? ' (drill)' : ''}` },
                    { header: 'Kind', cell: (r) => (r.kind === 'smartcard' ? 'Smartcard' : 'FIDO2 key') },
                    { header: 'Result', cell: (r) => <span className={`state result-${r.result}`}>{RESULT_LABEL[r.result]}</span> },
                    { header: 'Findings', cell: (r) => (r.findings.length ? <ul className="findings">{r.findings.map((f, i) => <li key={i}>{f.text}</li>)}</ul> : '—') },
                    { header: 'Ledger entry', cell: (r) => r.ledgerSeq },
                  ]}
                />
              </>
            )}
          </div>
          <form className="entity-form" aria-label="Run a presence check" onSubmit={(e) => void check(e)}>
            <h3>Run a check</h3>
            <div className="fields">
              <div className="field">
                <label htmlFor="check-key">Keys and cards</label>
                <select id="check-key" name="key" defaultValue="" disabled={checking}>
                  <option value="">All {drill ? 'drill' : 'enrolled'} keys and cards ({keys.length})</option>
                  {keys.map((k) => (
                    <option key={k.id} value={String(k.id)}>
                      {k.label}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <button ref={runButton} type="submit" disabled={checking}>
              {checking ? 'Checking…' : 'Run presence check'}
            </button>
          </form>
        </div>
      </section>

    </Screen>
  );
}

function EnrolSection({ drill, places, accounts }: { readonly drill: boolean; readonly places: readonly string[]; readonly accounts: readonly string[] }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [done, setDone] = useState('');
  const [progress, clearProgress] = useKeyProgress('enrol');
  const enrolButton = useFocusBack<HTMLButtonElement>(busy);

  async function enrol(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const args = { label: field('label'), simulated: drill, ...(field('serial') && { serial: field('serial') }), ...(field('place') && { place: field('place') }), ...(field('account') && { account: field('account') }) };
    setBusy(true);
    setError(undefined);
    setDone('');
    clearProgress();
    const reply = await invoke('key:enroll', args);
    setBusy(false);
    if (reply.ok) {
      form.reset();
      setDone(`Enrolled ${reply.value.label} (${reply.value.model ?? 'unknown model'}).`);
    } else {
      setError(reply.error);
      if (reply.error.field) (form.elements.namedItem(reply.error.field) as HTMLElement | null)?.focus();
    }
  }

  const fieldError = (name: string) =>
    error?.field === name ? (
      <small id={`enrol-${name}-error`} className="field-error" role="alert">
        {error.message}
      </small>
    ) : null;

  return (
    <section className="inventory-section" aria-labelledby="enrol-title">
      <h3 id="enrol-title" className="section-title">
        Enrol a {drill ? 'drill' : 'FIDO2'} key
      </h3>
      <div className="section-body">
        <p className="hint">
          {drill
            ? 'A software key is created and kept in the drill store.'
            : "Plug in one key. Keyward creates its own credential on it (under keyward.invalid), never touching the account's Entra credential."}
          <span className="progress" role="status" aria-live="assertive" data-testid="enrol-progress">
            {busy && progress ? ` ${describeProgress(progress, drill)}` : done ? ` ${done}` : ''}
          </span>
        </p>
        <form className="entity-form" aria-label="Enrol a key" onSubmit={(e) => void enrol(e)} noValidate>
          {error && !['label', 'serial', 'place', 'account'].includes(error.field ?? '') && (
            <p className="form-error" role="alert">
              {error.message}
            </p>
          )}
          <div className="fields">
            <div className={`field${error?.field === 'label' ? ' has-error' : ''}`}>
              <label htmlFor="enrol-label">Label *</label>
              <input id="enrol-label" name="label" type="text" autoComplete="off" aria-invalid={error?.field === 'label' || undefined} aria-describedby={error?.field === 'label' ? 'enrol-label-error' : undefined} />
              {fieldError('label')}
            </div>
            <div className="field">
              <label htmlFor="enrol-serial">Serial number</label>
              <input id="enrol-serial" name="serial" type="text" autoComplete="off" />
            </div>
            <div className={`field${error?.field === 'place' ? ' has-error' : ''}`}>
              <label htmlFor="enrol-place">Storage place</label>
              <select id="enrol-place" name="place" defaultValue="">
                <option value="">— none —</option>
                {places.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
              {fieldError('place')}
            </div>
            <div className={`field${error?.field === 'account' ? ' has-error' : ''}`}>
              <label htmlFor="enrol-account">Emergency account</label>
              <select id="enrol-account" name="account" defaultValue="">
                <option value="">— none —</option>
                {accounts.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
              {fieldError('account')}
            </div>
          </div>
          <button ref={enrolButton} type="submit" disabled={busy}>
            {busy ? 'Enrolling…' : 'Enrol key'}
          </button>
        </form>
      </div>
    </section>
  );
}
