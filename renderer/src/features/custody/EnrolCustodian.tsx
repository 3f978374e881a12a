import { useState, type FormEvent } from 'react';
import type { ReplyError } from '../../../../electron/common/channels';
import { invoke } from '../../lib/ipc';
import { PeopleSelect } from './PeopleSelect';

/**
 * Custodians join the circle of trust under dual control: the first two found it together, each
 * touching their own key; every later custodian is approved by two who are already in it. It
 * sits in a dialog whose title says which of the two it is (`enrolCustodianTitle`).
 */
export function EnrolCustodian({ drill, custodians }: { readonly drill: boolean; readonly custodians: readonly string[] }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  // Nobody of this mode holds a key yet: the circle is still to be founded.
  const founding = custodians.length === 0;
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const field = (key: string) => String(data.get(key) ?? '').trim();
    setMessage(drill ? 'Creating drill keys…' : 'Plug in each key and touch it when it blinks…');
    const reply = founding
      ? await invoke('custodian:found', { first: field('first'), second: field('second'), simulated: drill })
      : await invoke('custodian:enroll', { name: field('name'), approvers: [field('approver1'), field('approver2')], simulated: drill });
    if (reply.ok) {
      setError(undefined);
      form.reset();
      setMessage(Array.isArray(reply.value) ? `${reply.value.map((c) => c.name).join(' and ')} founded the circle of custodians.` : `Enrolled ${(reply.value as { name: string }).name}'s key.`);
    } else {
      setError(reply.error);
      setMessage('');
    }
  }
  const errorAt = (...fields: string[]) =>
    error && fields.includes(error.field ?? '') ? (
      <small className="field-error" role="alert">
        {error.message}
      </small>
    ) : null;
  return founding ? (
    <form className="entity-form" aria-label="Found the circle of custodians" onSubmit={(e) => void submit(e)} noValidate>
      <p className="hint">The first two custodians found the circle together, each touching their own key; nobody joins alone.</p>
      <div className="field narrow">
        <label htmlFor="founder-first">First custodian's full name</label>
        <input id="founder-first" name="first" type="text" autoComplete="off" aria-invalid={error?.field === 'first' || undefined} />
        {errorAt('first')}
      </div>
      <div className="field narrow">
        <label htmlFor="founder-second">Second custodian's full name</label>
        <input id="founder-second" name="second" type="text" autoComplete="off" aria-invalid={error?.field === 'second' || undefined} />
        {errorAt('second')}
      </div>
      <button type="submit">Found the circle</button>
      <FormOutcome error={error} fields={['first', 'second']} message={message} />
    </form>
  ) : (
    <form className="entity-form" aria-label="Enrol a custodian's key" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field narrow">
        <label htmlFor="custodian-name">New custodian's full name</label>
        <input id="custodian-name" name="name" type="text" autoComplete="off" aria-invalid={error?.field === 'name' || undefined} />
        {errorAt('name')}
      </div>
      <PeopleSelect id="custodian-approver1" name="approver1" label="Approved by" people={custodians} />
      <PeopleSelect id="custodian-approver2" name="approver2" label="and by" people={custodians} />
      {errorAt('approvers')}
      <button type="submit">Enrol their key</button>
      <FormOutcome error={error} fields={['name', 'approvers']} message={message} />
    </form>
  );
}

/** What the custody screen's button and dialog say: founding while nobody of this mode holds a key, enrolling after. */
export const enrolCustodianTitle = (custodians: readonly string[]): string => (custodians.length === 0 ? 'Found the circle of custodians' : "Enrol a custodian's key");

/** Below a form's button: an error that belongs to none of its fields, and the progress of the touches. */
function FormOutcome({ error, fields, message }: { readonly error: ReplyError | undefined; readonly fields: readonly string[]; readonly message: string }) {
  return (
    <>
      {error && !fields.includes(error.field ?? '') && (
        <small className="field-error" role="alert">
          {error.message}
        </small>
      )}
      <span className="progress" role="status">
        {message}
      </span>
    </>
  );
}
