import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Panel, Screen } from '../../components/Layout';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';

type State = ChannelResults['validation:get'];

/** The guidance's checklist: each step attested, or waived with a reason, by a custodian's key touch. */
export function ValidationScreen() {
  const { value: loaded } = useChannel('validation:get', {});
  const { value: inventory } = useChannel('inventory:list', {});
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
    const data = new FormData(event.currentTarget);
    const custodian = String(data.get('custodian') ?? '');
    const note = String(data.get('note') ?? '').trim();
    const waive = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'waive';
    apply(waive ? await invoke('validation:waive', { step, custodian, reason: note, simulated: drill }) : await invoke('validation:attest', { step, custodian, ...(note && { note }), simulated: drill }));
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
                    <button type="submit" value="attest">
                      Attest with a key touch
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
    </Screen>
  );
}
