import { useId, useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';
import { useFocusBack } from '../../lib/useFocusBack';

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : 'never');

/**
 * Who can open each storage place: the guidance wants the device accessible to every
 * administrator who may need it. Each list recorded replaces the last (the same list again
 * confirms it) and is a ledger entry naming who was added and who removed.
 */
export function PlaceAccess({ onSaved }: { readonly onSaved: (summary: string) => void }) {
  const id = useId();
  const { value: places } = useChannel('place:access-lists', {});
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submitButton = useFocusBack<HTMLButtonElement>(busy);
  // Choosing a place fills in its current list, to be edited: what is recorded replaces it whole.
  const [people, setPeople] = useState('');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const names = people
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    setBusy(true);
    const reply = await invoke('place:access', { place: String(data.get('place') ?? ''), people: names });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      (form.elements.namedItem(reply.error.field === 'place' ? 'place' : 'people') as HTMLElement | null)?.focus();
      return;
    }
    setError(undefined);
    form.reset();
    setPeople('');
    onSaved(`Recorded who can open ${reply.value.place}: ${reply.value.people.join(', ')} (entry ${reply.value.seq}).`);
  }

  const onField = (name: string) => error && (name === 'place' ? error.field === 'place' : error.field !== 'place');
  return (
    <>
      <DataTable
        caption="Who can open each storage place"
        rows={places}
        rowKey={(p) => p.place}
        empty="No storage places yet."
        columns={[
          { header: 'Place', cell: (p) => p.place },
          { header: 'Holds', cell: (p) => p.items.join(', ') || '—' },
          { header: 'Who can open it', cell: (p) => p.access?.people.join(', ') ?? 'nobody recorded' },
          { header: 'Recorded', cell: (p) => `${day(p.access?.recordedAt)}${p.access ? ` by ${p.access.by}` : ''}` },
          { header: 'Entry', cell: (p) => p.access?.seq ?? '—' },
        ]}
      />
      <form className="entity-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
        <h3 id={`${id}-title`}>Record who can open a place</h3>
        {error && (
          <p className="form-error" role="alert" id={`${id}-error`}>
            {error.message}
          </p>
        )}
        <div className="fields">
          <div className={`field${onField('place') ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-place`}>Place</label>
            <select
              id={`${id}-place`}
              name="place"
              defaultValue=""
              onChange={(e) => {
                const chosen = e.currentTarget.value;
                setPeople((places ?? []).find((p) => p.place === chosen)?.access?.people.join('\n') ?? '');
              }}
              aria-invalid={onField('place') ? true : undefined}
              aria-describedby={onField('place') ? `${id}-error` : undefined}
            >
              <option value="">— choose —</option>
              {(places ?? []).map((p) => (
                <option key={p.place}>{p.place}</option>
              ))}
            </select>
          </div>
          <div className={`field${onField('people') ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-people`}>People who can open it</label>
            <textarea id={`${id}-people`} name="people" rows={3} value={people} onChange={(e) => setPeople(e.currentTarget.value)} aria-describedby={`${id}-hint${onField('people') ? ` ${id}-error` : ''}`} aria-invalid={onField('people') ? true : undefined} />
            <small id={`${id}-hint`} className="hint">
              one name a line, the whole list (it replaces the last); at least two for a place that holds a key
            </small>
          </div>
        </div>
        <button ref={submitButton} type="submit" disabled={busy}>
          {busy ? 'Recording…' : 'Record the list'}
        </button>
      </form>
    </>
  );
}
