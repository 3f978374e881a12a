import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { invoke } from '../../lib/ipc';
import { useChannel } from '../../lib/useChannel';
import { ApprovalSteps, useApprovals } from './useApprovals';

type Item = ChannelResults['custody:list'][number];
type Inventory = ChannelResults['inventory:list'];

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16) + ' UTC';

export function CustodyScreen() {
  const [drill, setDrill] = useState(false);
  const { value: custody } = useChannel('custody:list', {});
  const { value: inventory } = useChannel('inventory:list', {});
  const [historyOf, setHistoryOf] = useState('');
  const open = (custody ?? []).filter((c) => c.returnedAt === null);
  const [countersignError, setCountersignError] = useState<ReplyError | undefined>(undefined);

  const activeNames = inventory?.custodians.filter((c) => c.active).map((c) => c.name) ?? [];

  async function countersignItem(event: FormEvent<HTMLFormElement>, item: Item) {
    event.preventDefault();
    const custodian = String(new FormData(event.currentTarget).get('countersigner') ?? '');
    const reply = await invoke('custody:countersign', { item: String(item.authenticatorId), custodian, simulated: drill });
    setCountersignError(reply.ok ? undefined : reply.error);
  }

  return (
    <section aria-labelledby="custody-title" className="screen">
      <h2 id="custody-title">Custody</h2>
      <label className="drill-switch">
        <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.currentTarget.checked)} />
        Drill mode — custodians approve with drill keys; entries are marked as drills
      </label>

      <section className="inventory-section" aria-labelledby="out-title">
        <h3 id="out-title" className="section-title">
          Currently out
        </h3>
        <div className="section-body single">
          {countersignError && (
            <p className="form-error" role="alert">
              {countersignError.message}
            </p>
          )}
          <DataTable<Item>
            caption="Items out of the safe now"
            rows={custody && open}
            rowKey={(c) => c.id}
            empty="Everything is in the safe."
            columns={[
              { header: 'Item', cell: (c) => c.label },
              { header: 'Custodian', cell: (c) => c.custodian },
              { header: 'Witness', cell: (c) => c.witness ?? 'none' },
              { header: 'Reason', cell: (c) => `${c.reason}${c.ticket ? ` (${c.ticket})` : ''}` },
              { header: 'Out since', cell: (c) => when(c.checkedOutAt) },
              { header: 'Expected back', cell: (c) => <span className={c.overdue ? 'state result-missing' : ''}>{when(c.expectedReturnAt)}{c.overdue ? ' — OVERDUE' : ''}</span> },
              {
                header: 'Flags',
                cell: (c) =>
                  c.awaitingCountersign ? (
                    <form className="countersign" aria-label={`Countersign ${c.label}`} onSubmit={(e) => void countersignItem(e, c)}>
                      <span className="state result-anomaly">NO WITNESS</span>
                      <select name="countersigner" aria-label="Second custodian" defaultValue="">
                        <option value="">— second custodian —</option>
                        {activeNames.map((n) => (
                          <option key={n}>{n}</option>
                        ))}
                      </select>
                      <button type="submit">Countersign</button>
                    </form>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </div>
      </section>

      <div className="flows">
        <CheckoutFlow drill={drill} inventory={inventory} />
        <ReturnFlow drill={drill} open={open} custodians={inventory?.custodians.filter((c) => c.active).map((c) => c.name) ?? []} />
      </div>

      <section className="inventory-section" aria-labelledby="history-title">
        <h3 id="history-title" className="section-title">
          History of an item
        </h3>
        <div className="section-body single">
          <div className="field narrow">
            <label htmlFor="history-item">Item</label>
            <select id="history-item" value={historyOf} onChange={(e) => setHistoryOf(e.currentTarget.value)}>
              <option value="">— choose —</option>
              {(inventory?.authenticators ?? []).map((a) => (
                <option key={a.id} value={String(a.id)}>
                  {a.label}
                </option>
              ))}
            </select>
          </div>
          {historyOf && (
            <DataTable<Item>
              caption="Checkouts and returns of this item"
              rows={(custody ?? []).filter((c) => String(c.authenticatorId) === historyOf)}
              rowKey={(c) => c.id}
              empty="This item has never left the safe."
              columns={[
                { header: 'Out', cell: (c) => `${when(c.checkedOutAt)} (entry ${c.checkoutSeq})` },
                { header: 'By', cell: (c) => `${c.custodian}${c.witness ? ` / ${c.witness}` : ' / no witness'}` },
                { header: 'Seal broken', cell: (c) => `${c.brokenSeal}${c.sealIntact ? '' : ' (was tampered)'}` },
                { header: 'Back', cell: (c) => (c.returnedAt ? `${when(c.returnedAt)} under ${c.returnSeal}` : 'still out') },
              ]}
            />
          )}
        </div>
      </section>

      <EnrolCustodian drill={drill} custodians={(inventory?.custodians ?? []).filter((c) => c.active && c.key === (drill ? 'drill' : 'real')).map((c) => c.name)} />
    </section>
  );
}

function useField() {
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const errorFor = (name: string) =>
    error?.field === name ? (
      <small className="field-error" role="alert" id={`${name}-error`}>
        {error.message}
      </small>
    ) : null;
  const general = error && !['item', 'custodian', 'witness', 'reason', 'expectedReturn', 'brokenSeal', 'newSeal', 'ticket', 'sealIntact', 'sealMismatch'].includes(error.field ?? '') ? error.message : undefined;
  return { error, setError, errorFor, general };
}

function CheckoutFlow({ drill, inventory }: { readonly drill: boolean; readonly inventory: Inventory | undefined }) {
  const [step, setStep] = useState<'choose' | 'details' | 'approving' | 'done'>('choose');
  const [item, setItem] = useState('');
  const [details, setDetails] = useState<{ custodian: string; witness: string } | undefined>(undefined);
  const [events, clearEvents] = useApprovals();
  const { setError, errorFor, general } = useField();
  const [result, setResult] = useState('');
  const inSafe = (inventory?.authenticators ?? []).filter((a) => a.state === 'in_safe' && a.simulated === drill);
  const recordedSeal = inSafe.find((a) => String(a.id) === item)?.sealSerial ?? null;
  const custodians = (inventory?.custodians ?? []).filter((c) => c.active).map((c) => c.name);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const get = (name: string) => String(data.get(name) ?? '').trim();
    const withoutWitness = data.get('withoutWitness') === 'on';
    setDetails({ custodian: get('custodian'), witness: withoutWitness ? '' : get('witness') });
    clearEvents();
    setStep('approving');
    const reply = await invoke('custody:checkout', {
      item,
      custodian: get('custodian'),
      ...(withoutWitness ? { withoutWitness: true } : { witness: get('witness') }),
      reason: get('reason'),
      ...(get('ticket') && { ticket: get('ticket') }),
      expectedReturn: `${get('hours')}h`,
      brokenSeal: get('brokenSeal'),
      sealIntact: get('sealIntact') === 'intact',
      ...(data.get('sealMismatch') === 'on' && { sealMismatch: true }),
      simulated: drill,
    });
    if (reply.ok) {
      setResult(`Checked out; ledger entry ${reply.value.ledgerSeq}.`);
      setStep('done');
    } else {
      setError(reply.error);
      setStep('details');
    }
  }

  return (
    <section className="inventory-section flow" aria-labelledby="checkout-title">
      <h3 id="checkout-title" className="section-title">
        Check out
      </h3>
      <ol className="flow-steps" aria-label="Checkout steps">
        {['Choose item', 'Details', 'Custodian touch', 'Witness touch', 'Done'].map((label, i) => {
          const current = { choose: 0, details: 1, approving: 2, done: 4 }[step];
          return (
            <li key={label} aria-current={i === current ? 'step' : undefined} className={i < current ? 'done' : ''}>
              {label}
            </li>
          );
        })}
      </ol>
      <div className="section-body single">
        {step === 'choose' && (
          <form
            aria-label="Choose the item to check out"
            onSubmit={(e) => {
              e.preventDefault();
              if (item) setStep('details');
            }}
          >
            <div className="field">
              <label htmlFor="checkout-item">Item in the safe</label>
              <select id="checkout-item" value={item} onChange={(e) => setItem(e.currentTarget.value)}>
                <option value="">— choose —</option>
                {inSafe.map((a) => (
                  <option key={a.id} value={String(a.id)}>
                    {a.label}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" disabled={!item}>
              Next
            </button>
          </form>
        )}
        {step === 'details' && (
          <form className="entity-form" aria-label="Checkout details" onSubmit={(e) => void submit(e)} noValidate>
            {general && (
              <p className="form-error" role="alert">
                {general}
              </p>
            )}
            <div className="fields two">
              <PeopleSelect id="checkout-custodian" name="custodian" label="Custodian (takes it)" people={custodians} />
              {errorFor('custodian')}
              <PeopleSelect id="checkout-witness" name="witness" label="Witness (second custodian)" people={custodians} />
              {errorFor('witness')}
              <label className="inline">
                <input type="checkbox" name="withoutWitness" /> Real emergency without a witness (flagged until countersigned)
              </label>
              <div className="field">
                <label htmlFor="checkout-reason">Reason</label>
                <select id="checkout-reason" name="reason" defaultValue="drill">
                  {['drill', 'emergency', 'maintenance', 'audit'].map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="checkout-ticket">Ticket reference</label>
                <input id="checkout-ticket" name="ticket" type="text" autoComplete="off" />
              </div>
              <div className="field">
                <label htmlFor="checkout-hours">Expected back in (hours)</label>
                <input id="checkout-hours" name="hours" type="number" min="1" max="2160" defaultValue="8" />
                {errorFor('expectedReturn')}
              </div>
              <div className="field">
                <label htmlFor="checkout-seal">Seal broken (serial)</label>
                <input id="checkout-seal" name="brokenSeal" type="text" autoComplete="off" aria-describedby="checkout-seal-recorded" />
                <small id="checkout-seal-recorded" className="hint">
                  {recordedSeal ? `Recorded: stored under seal ${recordedSeal}.` : 'No seal is recorded for this item.'}
                </small>
                {errorFor('brokenSeal')}
                {recordedSeal && (
                  <label className="inline">
                    <input type="checkbox" name="sealMismatch" /> found under another seal (recorded as a critical finding)
                  </label>
                )}
                {errorFor('sealMismatch')}
              </div>
              <fieldset className="field">
                <legend>The seal was</legend>
                <label className="inline">
                  <input type="radio" name="sealIntact" value="intact" defaultChecked /> intact
                </label>
                <label className="inline">
                  <input type="radio" name="sealIntact" value="tampered" /> damaged or tampered with
                </label>
              </fieldset>
            </div>
            {errorFor('item')}
            <button type="submit">Ask for the touches</button>
          </form>
        )}
        {step === 'approving' && details && (
          <div role="status" aria-live="assertive">
            <ApprovalSteps expected={[{ role: 'custodian', name: details.custodian }, ...(details.witness ? [{ role: 'witness' as const, name: details.witness }] : [])]} events={events} />
          </div>
        )}
        {step === 'done' && (
          <div role="status">
            <p className="banner banner-ok">{result}</p>
            <button
              type="button"
              onClick={() => {
                setItem('');
                setStep('choose');
              }}
            >
              Check out another item
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

function ReturnFlow({ drill, open, custodians }: { readonly drill: boolean; readonly open: readonly Item[]; readonly custodians: readonly string[] }) {
  const [events, clearEvents] = useApprovals();
  const [busy, setBusy] = useState<{ custodian: string; witness: string } | undefined>(undefined);
  const { setError, errorFor, general } = useField();
  const [result, setResult] = useState('');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const get = (name: string) => String(data.get(name) ?? '').trim();
    clearEvents();
    setResult('');
    setBusy({ custodian: get('custodian'), witness: get('witness') });
    const reply = await invoke('custody:return', { item: get('item'), custodian: get('custodian'), witness: get('witness'), newSeal: get('newSeal'), simulated: drill });
    setBusy(undefined);
    if (reply.ok) {
      setError(undefined);
      form.reset();
      setResult(`Returned; ledger entry ${reply.value.ledgerSeq}${reply.value.presence ? `, presence check ${reply.value.presence.toUpperCase()}` : ''}.`);
    } else setError(reply.error);
  }

  return (
    <section className="inventory-section flow" aria-labelledby="return-title">
      <h3 id="return-title" className="section-title">
        Return
      </h3>
      <div className="section-body single">
        <form className="entity-form" aria-label="Return an item" onSubmit={(e) => void submit(e)} noValidate>
          {general && (
            <p className="form-error" role="alert">
              {general}
            </p>
          )}
          <div className="fields">
            <div className="field">
              <label htmlFor="return-item">Item that is out</label>
              <select id="return-item" name="item">
                {open.map((c) => (
                  <option key={c.id} value={String(c.authenticatorId)}>
                    {c.label}
                  </option>
                ))}
              </select>
              {errorFor('item')}
            </div>
            <PeopleSelect id="return-custodian" name="custodian" label="Custodian (returns it)" people={custodians} />
            {errorFor('custodian')}
            <PeopleSelect id="return-witness" name="witness" label="Witness (second custodian)" people={custodians} />
            {errorFor('witness')}
            <div className="field">
              <label htmlFor="return-seal">New seal (serial)</label>
              <input id="return-seal" name="newSeal" type="text" autoComplete="off" />
              {errorFor('newSeal')}
            </div>
          </div>
          <button type="submit" disabled={busy !== undefined || open.length === 0}>
            {busy ? 'Waiting for the touches…' : 'Check the key and ask for the touches'}
          </button>
        </form>
        {busy && (
          <div role="status" aria-live="assertive">
            <ApprovalSteps expected={[{ role: 'custodian', name: busy.custodian }, { role: 'witness', name: busy.witness }]} events={events} />
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

function PeopleSelect({ id, name, label, people }: { readonly id: string; readonly name: string; readonly label: string; readonly people: readonly string[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue="">
        <option value="">— choose —</option>
        {people.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </select>
    </div>
  );
}

/**
 * Custodians join the circle of trust under dual control: the first two found it together, each
 * touching their own key; every later custodian is approved by two who are already in it.
 */
function EnrolCustodian({ drill, custodians }: { readonly drill: boolean; readonly custodians: readonly string[] }) {
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
  return (
    <section className="inventory-section" aria-labelledby="custodian-key-title">
      <h3 id="custodian-key-title" className="section-title">
        {founding ? 'Found the circle of custodians' : "A new custodian's own key"}
      </h3>
      <div className="section-body single">
        {founding ? (
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
            {error && !['first', 'second'].includes(error.field ?? '') && (
              <small className="field-error" role="alert">
                {error.message}
              </small>
            )}
            <span className="progress" role="status">
              {message}
            </span>
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
            {error && !['name', 'approvers'].includes(error.field ?? '') && (
              <small className="field-error" role="alert">
                {error.message}
              </small>
            )}
            <span className="progress" role="status">
              {message}
            </span>
          </form>
        )}
      </div>
    </section>
  );
}
