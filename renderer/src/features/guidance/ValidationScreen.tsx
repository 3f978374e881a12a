import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Panel, Screen } from '../../components/Layout';
import { StatusChip, type Tone } from '../../components/StatusChip';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';

type State = ChannelResults['validation:get'];
type Step = NonNullable<State['current']>['steps'][number];
const CLEANUP = 'cleanup-excluded';
/** The posture rules that rest on what the validation attests rather than on an export. */
const ATTESTED_RULES = ['no-cleanup-scope', 'device-reachable'];
const TONE: Record<string, Tone> = { pass: 'ok', warn: 'warning', stale: 'warning', fail: 'critical', unknown: 'neutral' };

/** The guidance's checklist: each step attested, or waived with a reason, by a custodian's key touch. */
export function ValidationScreen() {
  const { value: loaded } = useChannel('validation:get', {});
  const { value: inventory } = useChannel('inventory:overview', {});
  const { value: places } = useChannel('place:access-lists', {});
  const { value: rules } = useChannel('posture:get', {});
  const [state, setState] = useState<State | undefined>(undefined);
  const [drill, setDrill] = useState(false);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const current = state ?? loaded;
  const custodians = (inventory?.custodians ?? []).filter((c) => c.active).map((c) => c.name);

  const apply = (reply: Awaited<ReturnType<typeof invoke<'validation:start'>>>) => {
    if (reply.ok) {
      setState(reply.value);
      setError(undefined);
    } else setError(reply.error);
  };

  async function act(event: FormEvent<HTMLFormElement>, step: string) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const custodian = String(data.get('custodian') ?? '');
    const note = String(data.get('note') ?? '').trim();
    const waive = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'waive';
    // The cleanup step is attested account by account, naming the cleanups each is excluded from.
    const cleanup =
      step === CLEANUP && !waive
        ? {
            account: String(data.get('account') ?? ''),
            policies: String(data.get('policies') ?? '').split('\n').map((p) => p.trim()).filter(Boolean),
            noCleanupInTenant: data.get('noCleanupInTenant') === 'on',
          }
        : {};
    const reply = waive ? await invoke('validation:waive', { step, custodian, reason: note, simulated: drill }) : await invoke('validation:attest', { step, custodian, ...(note && { note }), simulated: drill, ...cleanup });
    apply(reply);
    if (reply.ok) form.reset();
  }

  /** What a step rests on, shown above its form: each account's cleanup attestation, or who can open each place. */
  function stepEvidence(step: Step) {
    if (step.id === CLEANUP && step.status === 'open') {
      return (
        <ul className="step-evidence" aria-label="Accounts attested in this validation">
          {(step.accounts ?? []).map((a) => (
            <li key={a.upn}>
              {a.upn}: {a.exclusion} — attested by {a.by} (entry {a.seq})
            </li>
          ))}
          {(step.pending ?? []).map((upn) => (
            <li key={upn}>{upn}: to attest</li>
          ))}
        </ul>
      );
    }
    if (step.id === 'device-accessible' && step.status === 'open') {
      return (
        <ul className="step-evidence" aria-label="Who can open each place">
          {(places ?? []).map((p) => (
            <li key={p.place}>
              {p.place}
              {p.items.length ? ` (holds ${p.items.join(', ')})` : ''}: {p.access ? `${p.access.people.join(', ')}, recorded ${p.access.recordedAt.slice(0, 10)}` : 'nobody recorded'}
            </li>
          ))}
          <li>Record a changed list on the Facts screen, then attest that it was reviewed.</li>
        </ul>
      );
    }
    return null;
  }

  if (!current) return <p>Loading…</p>;
  return (
    <Screen
      id="validation"
      title="Validation"
      actions={
        <label className="drill-switch">
          <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.currentTarget.checked)} /> Drill mode — custodians attest with drill keys
        </label>
      }
    >
      <p className={`banner ${current.due ? 'banner-bad' : 'banner-ok'}`} role={current.due ? 'alert' : 'status'}>
        {current.due ? `A validation is due: ${current.reasons.join('; ')}.` : `The next validation falls due by ${current.dueAt?.slice(0, 10)} (${current.daysRemaining} days).`}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {!current.current ? (
        <div className="button-row">
          <button type="button" onClick={async () => apply(await invoke('validation:start', {}))}>
            Start a validation
          </button>
        </div>
      ) : (
        <Panel id="validation-checklist" title="The guidance's checklist">
          <ol className="checklist">
            {current.current.steps.map((step) => (
              <li key={step.id} className={`step-${step.status}`}>
                <p>
                  <strong>{step.status === 'open' ? 'Open' : step.status === 'attested' ? `Attested by ${step.by}` : `Waived by ${step.by}: ${step.note}`}</strong> — {step.text}
                </p>
                {stepEvidence(step)}
                {step.status === 'open' && (
                  <form className="step-form" aria-label={`Step ${step.id}`} onSubmit={(e) => void act(e, step.id)}>
                    <div className="field">
                      <label htmlFor={`${step.id}-custodian`}>Custodian</label>
                      <select id={`${step.id}-custodian`} name="custodian" defaultValue="">
                        <option value="">— choose —</option>
                        {custodians.map((c) => (
                          <option key={c}>{c}</option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`${step.id}-note`}>Note, or the reason for a waiver</label>
                      <input id={`${step.id}-note`} name="note" type="text" autoComplete="off" />
                    </div>
                    {step.id === CLEANUP && (
                      <>
                        <div className="field">
                          <label htmlFor={`${step.id}-account`}>Account</label>
                          <select id={`${step.id}-account`} name="account" defaultValue="">
                            <option value="">— choose —</option>
                            {(inventory?.accounts ?? []).map((a) => (
                              <option key={a.upn}>{a.upn}</option>
                            ))}
                          </select>
                        </div>
                        <div className="field">
                          <label htmlFor={`${step.id}-policies`}>Automated cleanups it is excluded from</label>
                          <textarea id={`${step.id}-policies`} name="policies" rows={2} aria-describedby={`${step.id}-policies-hint`} />
                          <small id={`${step.id}-policies-hint`} className="hint">
                            one a line: an access review, a lifecycle workflow, an inactive-account cleanup
                          </small>
                        </div>
                        <label className="check">
                          <input type="checkbox" name="noCleanupInTenant" /> The tenant runs no automated cleanup for lack of use
                        </label>
                      </>
                    )}
                    <button type="submit" value="attest">
                      {step.id === CLEANUP ? 'Attest for this account with a key touch' : 'Attest with a key touch'}
                    </button>
                    {/* A waiver is not an attestation: it looks different and leaves a finding until the next cycle. */}
                    <button type="submit" value="waive" className="waive">
                      Waive (leaves a finding)
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ol>
          <div className="button-row">
            <button type="button" onClick={async () => apply(await invoke('validation:complete', {}))}>
              Complete the validation
            </button>
          </div>
        </Panel>
      )}
      <Panel id="validation-attested-rules" title="What posture says of the attested items">
        <ul className="step-evidence" aria-label="Posture of the attested items">
          {(rules ?? [])
            .filter((r) => ATTESTED_RULES.includes(r.id))
            .map((r) => (
              <li key={r.id}>
                <StatusChip tone={TONE[r.result] ?? 'neutral'}>{r.result.toUpperCase()}</StatusChip> <strong>{r.title}</strong>: <span className="payload">{r.evidence}</span>
              </li>
            ))}
        </ul>
      </Panel>
    </Screen>
  );
}
