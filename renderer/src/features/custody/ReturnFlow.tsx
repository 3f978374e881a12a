import { useState, type FormEvent, type ReactNode } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { inWords } from '../../components/field-words';
import { invoke } from '../../lib/ipc';
import { shortHash } from '../../lib/format';
import { ApprovalSteps, useApprovals } from './useApprovals';
import { useFocusBack } from '../../lib/useFocusBack';

type Item = ChannelResults['custody:list'][number];

const RETURN_FIELD_LABELS: Readonly<Record<string, string>> = { item: 'Item', custodian: 'Custodian', witness: 'Witness', newSeal: 'New seal' };

/**
 * Puts an item back: the key is presence-checked, then the custodian returning it and a witness
 * each touch their own key. What was chosen and typed stays through an error.
 */
export function ReturnFlow({ drill, open, custodians, preselected }: { readonly drill: boolean; readonly open: readonly Item[]; readonly custodians: readonly string[]; readonly preselected?: string }) {
  const [events, clearEvents] = useApprovals();
  const [values, setValues] = useState({ item: preselected ?? '', custodian: '', witness: '', newSeal: '' });
  const [busy, setBusy] = useState(false);
  const submitButton = useFocusBack<HTMLButtonElement>(busy);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [result, setResult] = useState('');
  const item = values.item || String(open[0]?.authenticatorId ?? '');
  const label = open.find((c) => String(c.authenticatorId) === item)?.label ?? '';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const missing = !values.custodian ? 'custodian' : !values.witness ? 'witness' : !values.newSeal.trim() ? 'newSeal' : undefined;
    if (missing) {
      const message = { custodian: 'Choose the custodian who returns the item.', witness: 'Choose the witness.', newSeal: 'Enter the serial of the new seal the item goes under.' }[missing];
      return setError({ code: 'invalid_input', field: missing, message });
    }
    clearEvents();
    setResult('');
    setError(undefined);
    setBusy(true);
    const reply = await invoke('custody:return', { item, custodian: values.custodian, witness: values.witness, newSeal: values.newSeal.trim(), simulated: drill });
    setBusy(false);
    if (reply.ok) {
      setValues({ item: '', custodian: '', witness: '', newSeal: '' });
      const presence = reply.value.presence ? `, presence check ${reply.value.presence.toUpperCase()}` : '';
      setResult(`${label} returned under seal ${values.newSeal.trim()}${presence}; ledger entry ${reply.value.ledgerSeq} (${shortHash(reply.value.hash)}).`);
    } else setError(reply.error);
  }

  const at = (field: string) =>
    error?.field === field ? (
      <small className="field-error" role="alert" id={`return-${field}-error`}>
        {inWords(error, RETURN_FIELD_LABELS)}
      </small>
    ) : null;
  const general = error && !Object.keys(RETURN_FIELD_LABELS).includes(error.field ?? '') ? error.message : undefined;
  const set = (change: Partial<typeof values>) => setValues((v) => ({ ...v, ...change }));

  return (
    <section className="panel flow" aria-labelledby="return-title">
      <h3 id="return-title" className="panel-title">
        {label ? `Return ${label}` : 'Return'}
      </h3>
      <div className="panel-body">
        {open.length === 0 && !result && <p className="hint">Nothing is out: an item is returned here once it has been checked out.</p>}
        {open.length > 0 && (
          <form className="wizard-form" aria-label="Return an item" onSubmit={(e) => void submit(e)} noValidate>
            {general && (
              <p className="form-error" role="alert">
                {general}
              </p>
            )}
            <div className="field-grid">
              <div className={`field span-all${error?.field === 'item' ? ' has-error' : ''}`}>
                <label htmlFor="return-item">Item that is out</label>
                <select id="return-item" value={item} onChange={(e) => set({ item: e.currentTarget.value })}>
                  {open.map((c) => (
                    <option key={c.id} value={String(c.authenticatorId)}>
                      {c.label}
                    </option>
                  ))}
                </select>
                {at('item')}
              </div>
              <Choice id="return-custodian" label="Custodian (returns it)" value={values.custodian} people={custodians} onChange={(custodian) => set({ custodian })} error={at('custodian')} />
              <Choice id="return-witness" label="Witness (second custodian)" value={values.witness} people={custodians} onChange={(witness) => set({ witness })} error={at('witness')} />
              <div className={`field${error?.field === 'newSeal' ? ' has-error' : ''}`}>
                <label htmlFor="return-seal">New seal (serial)</label>
                <input id="return-seal" type="text" autoComplete="off" spellCheck={false} value={values.newSeal} aria-invalid={error?.field === 'newSeal' || undefined} onChange={(e) => set({ newSeal: e.currentTarget.value })} />
                {at('newSeal')}
              </div>
            </div>
            <div className="button-row">
              <button ref={submitButton} type="submit" disabled={busy || open.length === 0}>
                {busy ? 'Waiting for the touches…' : 'Check the key and ask for the touches'}
              </button>
            </div>
          </form>
        )}
        {busy && (
          <div role="status" aria-live="polite">
            <ApprovalSteps expected={[{ role: 'custodian', name: values.custodian }, { role: 'witness', name: values.witness }]} events={events} />
          </div>
        )}
        {result && (
          <p className="banner banner-ok" role="status">
            {result}
          </p>
        )}
      </div>
    </section>
  );
}

function Choice(props: { readonly id: string; readonly label: string; readonly value: string; readonly people: readonly string[]; readonly onChange: (name: string) => void; readonly error: ReactNode }) {
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} aria-invalid={props.error ? true : undefined} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">— choose —</option>
        {props.people.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </select>
      {props.error}
    </div>
  );
}
