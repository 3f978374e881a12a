import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ReplyError } from '../../../../electron/common/channels';
import { allowedChoices, type Finding, type ResolutionChoice } from '../../../../electron/common/findings';
import { invoke } from '../../lib/ipc';
import { useFocusBack } from '../../lib/useFocusBack';
import { ApprovalSteps, useApprovals } from '../custody/useApprovals';
import { CHOICE_LABELS, sentence } from './severity';

interface Props {
  readonly finding: Finding;
  /** Names of the active custodians. */
  readonly custodians: readonly string[];
  readonly onCancel: () => void;
  readonly onResolved: (ledgerSeq: number) => void;
}

const FIELDS = ['custodian', 'witness', 'reason', 'choice'] as const;
type Values = Record<(typeof FIELDS)[number], string>;

const focusField = (form: HTMLFormElement | null, name: string) => form?.querySelector<HTMLElement>(`[name="${name}"]`)?.focus();

/**
 * Two custodians resolve one finding: who, who witnesses, why, and (for a key that changed or
 * went missing) what becomes of the key, chosen explicitly. Then each touches their own key.
 * What was typed stays after a refusal; the refusal stands next to its field, which gets focus.
 */
export function ResolveFindingForm({ finding, custodians, onCancel, onResolved }: Props) {
  const id = useId();
  const [values, setValues] = useState<Values>({ custodian: '', witness: '', reason: '', choice: '' });
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [busy, setBusy] = useState<{ custodian: string; witness: string } | undefined>(undefined);
  const [events, clearEvents] = useApprovals();
  const form = useRef<HTMLFormElement>(null);
  const submitButton = useFocusBack<HTMLButtonElement>(busy !== undefined);
  const choices = allowedChoices(finding.kind);
  const asksChoice = choices.some((c) => c !== 'none');
  const set = (name: keyof Values) => (event: { currentTarget: { value: string } }) => {
    const { value } = event.currentTarget;
    setValues((v) => ({ ...v, [name]: value }));
  };

  useEffect(() => focusField(form.current, 'custodian'), []);
  useEffect(() => {
    if (error?.field && (FIELDS as readonly string[]).includes(error.field)) focusField(form.current, error.field);
  }, [error]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = values.reason.trim();
    if (!reason) return setError({ code: 'invalid_input', field: 'reason', message: 'Say why the finding can be closed, for example the incident ticket and what was found.' });
    if (asksChoice && !values.choice) return setError({ code: 'invalid_input', field: 'choice', message: `Choose what becomes of ${finding.subject.label}.` });
    setError(undefined);
    clearEvents();
    setBusy({ custodian: values.custodian, witness: values.witness });
    const reply = await invoke('findings:resolve', {
      id: finding.id,
      custodian: values.custodian,
      witness: values.witness,
      reason,
      ...(values.choice ? { choice: values.choice as ResolutionChoice } : {}),
    });
    setBusy(undefined);
    if (reply.ok) onResolved(reply.value.ledgerSeq);
    else setError({ ...reply.error, message: sentence(reply.error.message) });
  }

  const fieldError = (name: (typeof FIELDS)[number]) =>
    error?.field === name ? (
      <small id={`${id}-${name}-error`} className="field-error" role="alert">
        {error.message}
      </small>
    ) : null;
  const invalid = (name: (typeof FIELDS)[number]) => ({
    'aria-invalid': error?.field === name ? true : undefined,
    'aria-describedby': error?.field === name ? `${id}-${name}-error` : undefined,
  });
  const general = error && !(FIELDS as readonly string[]).includes(error.field ?? '') ? error.message : undefined;
  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !busy) {
      event.preventDefault();
      onCancel();
    }
  };

  return (
    <section className="resolve" aria-labelledby={`${id}-title`} onKeyDown={cancelOnEscape}>
      <h4 id={`${id}-title`}>Resolve this finding</h4>
      <p className="hint">
        Two different custodians each touch their own key{finding.drill ? ' (drill keys: this is a drill finding)' : ''}. The resolution is a new ledger entry; the finding stays in the history.
      </p>
      <form ref={form} className="resolve-form" aria-label={`Resolve: ${finding.title}`} onSubmit={(e) => void submit(e)} noValidate>
        {general && (
          <p className="form-error" role="alert">
            {general}
          </p>
        )}
        <fieldset className="plain" disabled={busy !== undefined}>
          <div className="fields two">
            <div className={`field${error?.field === 'custodian' ? ' has-error' : ''}`}>
              <label htmlFor={`${id}-custodian`}>Custodian</label>
              <select id={`${id}-custodian`} name="custodian" value={values.custodian} onChange={set('custodian')} {...invalid('custodian')}>
                <option value="">— choose —</option>
                {custodians.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
              {fieldError('custodian')}
            </div>
            <div className={`field${error?.field === 'witness' ? ' has-error' : ''}`}>
              <label htmlFor={`${id}-witness`}>Witness (a second custodian)</label>
              <select id={`${id}-witness`} name="witness" value={values.witness} onChange={set('witness')} {...invalid('witness')}>
                <option value="">— choose —</option>
                {custodians.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
              {fieldError('witness')}
            </div>
          </div>
          <div className={`field${error?.field === 'reason' ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-reason`}>
              Reason<span aria-hidden="true"> *</span>
            </label>
            <textarea id={`${id}-reason`} name="reason" rows={2} maxLength={500} value={values.reason} onChange={set('reason')} aria-required="true" {...invalid('reason')} />
            {fieldError('reason')}
          </div>
          {asksChoice && (
            <fieldset className={`field choice${error?.field === 'choice' ? ' has-error' : ''}`} aria-describedby={invalid('choice')['aria-describedby']}>
              <legend>What becomes of {finding.subject.label}</legend>
              {choices.map((choice) => (
                <label className="inline" key={choice}>
                  <input type="radio" name="choice" value={choice} checked={values.choice === choice} onChange={set('choice')} /> {CHOICE_LABELS[choice]}
                </label>
              ))}
              {fieldError('choice')}
            </fieldset>
          )}
          <div className="button-row">
            <button ref={submitButton} type="submit">
              {busy ? 'Waiting for the touches…' : 'Ask for the touches'}
            </button>
            <button type="button" className="secondary" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </fieldset>
      </form>
      {busy && (
        <div role="status" aria-live="assertive">
          <ApprovalSteps
            expected={[
              { role: 'custodian', name: busy.custodian },
              { role: 'witness', name: busy.witness },
            ]}
            events={events}
          />
        </div>
      )}
    </section>
  );
}
