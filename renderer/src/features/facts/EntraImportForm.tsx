import { useId, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../electron/common/channels';
import { invoke } from '../../lib/ipc';
import { useFocusBack } from '../../lib/useFocusBack';

/** Imports one Entra export: the path typed in, or, left empty, chosen in the file dialog. */
export function EntraImportForm({ onImported }: { readonly onImported: (summary: string) => void }) {
  const id = useId();
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submitButton = useFocusBack<HTMLButtonElement>(busy);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const path = String(new FormData(form).get('path') ?? '').trim();
    setBusy(true);
    const reply = await invoke('facts:import-entra', path ? { path } : {});
    setBusy(false);
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    form.reset();
    if (!reply.value.imported) return undefined;
    onImported(reply.value.alreadyImported ? `${reply.value.file} was imported before; nothing changed.` : `Imported ${reply.value.kind} from ${reply.value.file}: ${reply.value.summary}.`);
    return undefined;
  }

  return (
    <form className="entity-form" aria-label="Import an Entra export" onSubmit={(e) => void submit(e)} noValidate>
      {error && (
        <p className="form-error" role="alert" id={`${id}-error`}>
          {error.message}
        </p>
      )}
      <div className="fields">
        <div className={`field${error ? ' has-error' : ''}`}>
          <label htmlFor={`${id}-path`}>Path of the export file</label>
          <input id={`${id}-path`} name="path" type="text" autoComplete="off" spellCheck={false} aria-describedby={`${id}-hint`} aria-invalid={error ? true : undefined} />
          <small id={`${id}-hint`} className="hint">
            one Graph export per file (users, methods, policies, roles, groups); empty: choose the file
          </small>
        </div>
      </div>
      <button ref={submitButton} type="submit" disabled={busy}>
        {busy ? 'Importing…' : 'Import the export'}
      </button>
    </form>
  );
}
