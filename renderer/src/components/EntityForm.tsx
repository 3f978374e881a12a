import { useId, useState, type FormEvent } from 'react';
import type { Channel, ChannelArgs, ReplyError } from '../../../electron/common/channels';
import { invoke } from '../lib/ipc';
import { useFocusBack } from '../lib/useFocusBack';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly required?: boolean;
  readonly hint?: string;
  /** A select instead of a text box; the first option is the default. */
  readonly options?: readonly { readonly value: string; readonly label: string }[];
}

interface Props<C extends Channel> {
  readonly title: string;
  readonly channel: C;
  readonly fields: readonly FieldSpec[];
  readonly submitLabel: string;
  readonly onSaved: (summary: string) => void;
}

/**
 * A form for one use case: sends its fields to the channel and shows an error next to the
 * field that caused it (focusing that field), or above the form when no field is named.
 */
export function EntityForm<C extends Channel>({ title, channel, fields, submitLabel, onSaved }: Props<C>) {
  const formId = useId();
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submitButton = useFocusBack<HTMLButtonElement>(busy);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const args: Record<string, string> = {};
    for (const field of fields) {
      const value = String(data.get(field.name) ?? '').trim();
      if (value !== '' || field.required) args[field.name] = value;
    }
    setBusy(true);
    const reply = await invoke(channel, args as ChannelArgs<C>);
    setBusy(false);
    if (reply.ok) {
      setError(undefined);
      form.reset();
      (form.elements.namedItem(fields[0]!.name) as HTMLElement | null)?.focus();
      onSaved(`${title}: saved`);
      return;
    }
    setError(reply.error);
    const culprit = reply.error.field ? (form.elements.namedItem(reply.error.field) as HTMLElement | null) : null;
    culprit?.focus();
  }

  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  const formError = error && !fields.some((f) => f.name === error.field) ? error.message : undefined;

  return (
    <form className="entity-form" aria-labelledby={`${formId}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${formId}-title`}>{title}</h3>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="fields">
        {fields.map((field) => {
          const id = `${formId}-${field.name}`;
          const message = fieldError(field.name);
          const describedBy = [message ? `${id}-error` : '', field.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
          const common = { id, name: field.name, 'aria-invalid': message ? true : undefined, 'aria-describedby': describedBy, 'aria-required': field.required || undefined };
          return (
            <div className={`field${message ? ' has-error' : ''}`} key={field.name}>
              <label htmlFor={id}>
                {field.label}
                {field.required && <span aria-hidden="true"> *</span>}
              </label>
              {field.options ? (
                <select {...common} defaultValue={field.options[0]?.value}>
                  {field.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input {...common} type="text" autoComplete="off" spellCheck={false} />
              )}
              {field.hint && (
                <small id={`${id}-hint`} className="hint">
                  {field.hint}
                </small>
              )}
              {message && (
                <small id={`${id}-error`} className="field-error" role="alert">
                  {message}
                </small>
              )}
            </div>
          );
        })}
      </div>
      <button ref={submitButton} type="submit" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
