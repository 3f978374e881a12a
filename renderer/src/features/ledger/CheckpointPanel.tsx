import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { invoke, onLedgerAppended } from '../../lib/ipc';
import { formatRecordedAt } from '../../lib/format';
import { useFocusBack } from '../../lib/useFocusBack';
import { PeopleSelect } from '../custody/PeopleSelect';
import { ApprovalSteps, useApprovals } from '../custody/useApprovals';

type Checkpoints = ChannelResults['ledger:checkpoints'];
type Custodian = ChannelResults['inventory:overview']['custodians'][number];

/**
 * Signed checkpoints on the ledger screen: the prompt after a custody transaction, a presence
 * check or a validation, the last checkpoint, and two custodians signing a new one with their keys.
 * It loads once `ready` (the screen's list has come first).
 */
export function CheckpointPanel({ ready = true }: { readonly ready?: boolean }) {
  const id = useId();
  const [state, setState] = useState<Checkpoints | undefined>(undefined);
  const [custodians, setCustodians] = useState<readonly Custodian[]>([]);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [busy, setBusy] = useState<{ custodian: string; witness: string } | undefined>(undefined);
  const [events, clearEvents] = useApprovals();
  const signButton = useFocusBack<HTMLButtonElement>(busy !== undefined);

  async function load() {
    const [checkpoints, inventory] = await Promise.all([invoke('ledger:checkpoints', {}), invoke('inventory:overview', {})]);
    if (checkpoints.ok) setState(checkpoints.value);
    if (inventory.ok) setCustodians(inventory.value.custodians.filter((c) => c.active && c.key !== null));
  }
  useEffect(() => {
    if (!ready) return;
    void load();
    return onLedgerAppended(() => void load());
  }, [ready]);

  async function sign(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const custodian = String(data.get('custodian') ?? '');
    const witness = String(data.get('witness') ?? '');
    const simulated = custodians.find((c) => c.name === custodian)?.key === 'drill';
    setError(undefined);
    clearEvents();
    setBusy({ custodian, witness });
    const reply = await invoke('ledger:checkpoint', { custodian, witness, simulated });
    setBusy(undefined);
    if (!reply.ok) return setError(reply.error);
    void load();
  }

  const last = state?.checkpoints.at(-1);
  const names = custodians.map((c) => c.name);
  return (
    <section className="checkpoints" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Signed checkpoints</h3>
      {state?.due && (
        <p className="banner banner-warning" role="status" data-testid="checkpoint-due">
          A checkpoint is due: two custodians sign the new head with their keys, so that no one can rewrite the ledger behind it unseen.
        </p>
      )}
      <p className="hint">
        {last
          ? `Checkpoint ${last.number} (entry ${last.seq}, ${formatRecordedAt(last.recordedAt, '+00:00', 'minutes')}) signed by ${last.custodian} and ${last.witness} pins head ${last.headHash.slice(0, 16)}… after ${last.entries} entries.`
          : 'No checkpoint has been signed yet.'}
      </p>
      <form className="checkpoint-form" aria-label="Sign a checkpoint" onSubmit={(e) => void sign(e)}>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <fieldset className="plain" disabled={busy !== undefined}>
          <div className="fields two">
            <PeopleSelect id={`${id}-custodian`} name="custodian" label="Custodian" people={names} />
            <PeopleSelect id={`${id}-witness`} name="witness" label="Witness (a second custodian)" people={names} />
          </div>
          <button ref={signButton} type="submit">
            {busy ? 'Waiting for the touches…' : 'Sign a checkpoint'}
          </button>
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
