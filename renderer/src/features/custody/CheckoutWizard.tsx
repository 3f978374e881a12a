import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { inWords } from '../../components/field-words';
import { invoke } from '../../lib/ipc';
import { formatLocalTime, shortHash } from '../../lib/format';
import { ApprovalSteps, useApprovals } from './useApprovals';
import { CheckoutDetails, CHECKOUT_FIELD_LABELS, EMPTY_CHECKOUT, missingCheckoutField, type CheckoutValues } from './CheckoutDetails';

type Items = ChannelResults['inventory:items'];
type Custodians = ChannelResults['inventory:overview']['custodians'];
type Step = 'choose' | 'details' | 'approving' | 'done';

interface Done {
  readonly item: string;
  readonly custodian: string;
  readonly witness: string;
  readonly expectedReturnAt: string;
  readonly seq: number;
  readonly hash: string;
}

/**
 * Checkout as a guided sequence: choose the item, fill in the details, each custodian touches
 * their own key after reading what they sign, done. What was typed stays through errors and Back.
 */
export function CheckoutWizard({ drill, items, custodians: circle }: { readonly drill: boolean; readonly items: Items | undefined; readonly custodians: Custodians | undefined }) {
  const [step, setStep] = useState<Step>('choose');
  const [item, setItem] = useState('');
  const [values, setValues] = useState<CheckoutValues>(EMPTY_CHECKOUT);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [done, setDone] = useState<Done | undefined>(undefined);
  const [events, clearEvents] = useApprovals();
  const heading = useRef<HTMLHeadingElement>(null);
  const inSafe = (items ?? []).filter((a) => a.state === 'in_safe' && a.simulated === drill);
  const chosen = inSafe.find((a) => String(a.id) === item);
  const custodians = (circle ?? []).filter((c) => c.active).map((c) => c.name);
  const itemLabel = chosen?.label ?? done?.item ?? '';

  // Each step announces itself by moving focus to its heading, so a keyboard user starts at the top of it.
  useEffect(() => heading.current?.focus(), [step]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const missing = missingCheckoutField(values);
    if (missing) return setError(missing);
    setError(undefined);
    clearEvents();
    setStep('approving');
    const reply = await invoke('custody:checkout', {
      item,
      custodian: values.custodian,
      ...(values.withoutWitness ? { withoutWitness: true } : { witness: values.witness }),
      reason: values.reason,
      ...(values.ticket.trim() && { ticket: values.ticket.trim() }),
      expectedReturn: `${values.hours}h`,
      brokenSeal: values.brokenSeal.trim(),
      sealIntact: values.sealIntact === 'intact',
      ...(values.sealMismatch && { sealMismatch: true }),
      simulated: drill,
    });
    if (reply.ok) {
      setDone({ item: itemLabel, custodian: values.custodian, witness: values.withoutWitness ? '' : values.witness, expectedReturnAt: reply.value.expectedReturnAt, seq: reply.value.ledgerSeq, hash: reply.value.hash });
      setValues(EMPTY_CHECKOUT);
      setItem('');
      setStep('done');
    } else {
      setError(reply.error);
      setStep('details');
    }
  }

  const witnessed = !values.withoutWitness;
  const labels = ['Choose item', 'Details', 'Custodian touch', ...(witnessed ? ['Witness touch'] : []), 'Done'];
  const custodianApproved = events.some((e) => e.role === 'custodian' && e.step === 'approved');
  const current = step === 'choose' ? 0 : step === 'details' ? 1 : step === 'approving' ? (custodianApproved && witnessed ? 3 : 2) : labels.length - 1;
  const title = step === 'choose' ? 'Check out an item' : step === 'done' && done ? `${done.item} is checked out` : `Check out ${itemLabel}`;

  return (
    <section className="panel flow" aria-labelledby="checkout-title">
      <h3 id="checkout-title" className="panel-title" ref={heading} tabIndex={-1}>
        {title}
      </h3>
      <ol className="flow-steps" aria-label="Checkout steps">
        {labels.map((label, i) => (
          <li key={label} aria-current={i === current ? 'step' : undefined} className={i < current ? 'done' : ''}>
            {label}
          </li>
        ))}
      </ol>
      <div className="panel-body">
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
            <div className="button-row">
              <button type="submit" disabled={!item}>
                Next
              </button>
            </div>
          </form>
        )}
        {step === 'details' && chosen && (
          <CheckoutDetails
            item={chosen}
            values={values}
            onChange={(change) => setValues((v) => ({ ...v, ...change }))}
            custodians={custodians}
            error={error && { ...error, message: inWords(error, CHECKOUT_FIELD_LABELS) }}
            onBack={() => {
              setError(undefined);
              setStep('choose');
            }}
            onSubmit={(e) => void submit(e)}
          />
        )}
        {step === 'approving' && (
          <div role="status" aria-live="polite">
            <ApprovalSteps expected={[{ role: 'custodian', name: values.custodian }, ...(witnessed ? [{ role: 'witness' as const, name: values.witness }] : [])]} events={events} />
          </div>
        )}
        {step === 'done' && done && (
          <div role="status">
            <dl className="facts banner banner-ok">
              <dt>Item</dt>
              <dd>{done.item}</dd>
              <dt>Custodian</dt>
              <dd>
                {done.custodian}
                {done.witness ? `, witnessed by ${done.witness}` : ', no witness (flagged until countersigned)'}
              </dd>
              <dt>Expected back</dt>
              <dd>{formatLocalTime(done.expectedReturnAt)}</dd>
              <dt>Ledger entry</dt>
              <dd>
                {done.seq} <code title={done.hash}>{shortHash(done.hash)}</code>
              </dd>
            </dl>
            <div className="button-row">
              <button
                type="button"
                onClick={() => {
                  setDone(undefined);
                  setStep('choose');
                }}
              >
                Check out another item
              </button>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
