import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { invoke } from '../../lib/ipc';
import { describeProgress, useKeyProgress } from './useKeyProgress';
import { useFocusBack } from '../../lib/useFocusBack';

type Reader = ChannelResults['card:readers'][number];

/** Enrols a PIV smartcard from a reader: which card is where, then its label, place and account. */
export function CardEnrolSection({ drill, places, accounts }: { readonly drill: boolean; readonly places: readonly string[]; readonly accounts: readonly string[] }) {
  const [readers, setReaders] = useState<readonly Reader[] | undefined>(undefined);
  const [readersError, setReadersError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submitButton = useFocusBack<HTMLButtonElement>(busy);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [done, setDone] = useState<{ text: string; warnings: readonly string[] } | undefined>(undefined);
  const [progress, clearProgress] = useKeyProgress('enrol');

  const refresh = useCallback(async () => {
    setReadersError(undefined);
    // Drill mode makes a new software card at enrolment; there is nothing to list before.
    if (drill) return setReaders([]);
    const reply = await invoke('card:readers', { simulated: false });
    if (reply.ok) setReaders(reply.value);
    else {
      setReaders([]);
      setReadersError(reply.error.message);
    }
  }, [drill]);
  useEffect(() => void refresh(), [refresh]);

  async function enrol(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const args = { label: field('label'), simulated: drill, ...(field('place') && { place: field('place') }), ...(field('account') && { account: field('account') }), ...(field('reader') && { reader: field('reader') }) };
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    clearProgress();
    const reply = await invoke('card:enroll', args);
    setBusy(false);
    if (reply.ok) {
      form.reset();
      const { authenticator, reader, warnings } = reply.value;
      setDone({ text: `Enrolled ${authenticator.label} from ${reader}: certificate serial ${authenticator.serial}, expires ${authenticator.expiresAt?.slice(0, 10) ?? '?'}.`, warnings });
      void refresh();
    } else {
      setError(reply.error);
      if (reply.error.field) (form.elements.namedItem(reply.error.field) as HTMLElement | null)?.focus();
    }
  }

  const withCard = (readers ?? []).filter((r) => r.cardPresent);
  return (
    <section className="inventory-section" aria-labelledby="card-enrol-title">
      <h3 id="card-enrol-title" className="section-title">
        Enrol a {drill ? 'drill' : 'PIV'} smartcard
      </h3>
      <div className="section-body">
        <div>
          <p className="hint">
            {drill
              ? 'A software PIV card with a certificate for the chosen account is created and kept in the drill store.'
              : 'Insert the card. Keyward reads its CHUID and certificates and has it sign a challenge with its Card Authentication key; it never asks for the PIN.'}
            <span className="progress" role="status" aria-live="assertive" data-testid="card-enrol-progress">
              {busy && progress?.kind === 'smartcard' ? ` ${describeProgress(progress, drill)}` : done ? ` ${done.text}` : ''}
            </span>
          </p>
          {done && done.warnings.length > 0 && (
            <ul className="findings" role="alert" aria-label="Enrolment warnings">
              {done.warnings.map((w) => (
                <li key={w}>Warning: {w}</li>
              ))}
            </ul>
          )}
          {!drill && (
            <p className="hint" data-testid="card-readers">
              {readersError ?? (readers === undefined ? 'Looking for readers…' : readers.length === 0 ? 'No smartcard reader is connected.' : `${readers.length} reader(s), ${withCard.length} with a card.`)}{' '}
              <button type="button" className="link-button" onClick={() => void refresh()}>
                Look again
              </button>
            </p>
          )}
        </div>
        <form className="entity-form" aria-label="Enrol a smartcard" onSubmit={(e) => void enrol(e)} noValidate>
          {error && !['label', 'place', 'account', 'reader'].includes(error.field ?? '') && (
            <p className="form-error" role="alert">
              {error.message}
            </p>
          )}
          <div className="fields">
            <div className={`field${error?.field === 'label' ? ' has-error' : ''}`}>
              <label htmlFor="card-label">Label *</label>
              <input id="card-label" name="label" type="text" autoComplete="off" aria-invalid={error?.field === 'label' || undefined} aria-describedby={error?.field === 'label' ? 'card-field-error' : undefined} />
            </div>
            {!drill && (
              <div className={`field${error?.field === 'reader' || error?.field === 'card' ? ' has-error' : ''}`}>
                <label htmlFor="card-reader">Reader</label>
                <select id="card-reader" name="reader" defaultValue="">
                  <option value="">{withCard.length === 1 ? `The one with a card (${withCard[0]!.name})` : '— choose —'}</option>
                  {withCard.map((r) => (
                    <option key={r.name} value={r.name}>
                      {r.name}
                      {r.card ? ` — ${r.card.subject}${r.card.enrolledAs ? ` (enrolled as ${r.card.enrolledAs})` : ''}` : r.error ? ' — unreadable' : ''}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className={`field${error?.field === 'place' ? ' has-error' : ''}`}>
              <label htmlFor="card-place">Storage place</label>
              <select id="card-place" name="place" defaultValue="">
                <option value="">— none —</option>
                {places.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </div>
            <div className={`field${error?.field === 'account' ? ' has-error' : ''}`}>
              <label htmlFor="card-account">Emergency account</label>
              <select id="card-account" name="account" defaultValue="">
                <option value="">— none —</option>
                {accounts.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </div>
            {error && ['label', 'place', 'account', 'reader'].includes(error.field ?? '') && (
              <small id="card-field-error" className="field-error" role="alert">
                {error.message}
              </small>
            )}
          </div>
          <button ref={submitButton} type="submit" disabled={busy}>
            {busy ? 'Enrolling…' : 'Enrol smartcard'}
          </button>
        </form>
      </div>
    </section>
  );
}
