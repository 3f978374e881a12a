import type { FormEvent, ReactNode } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';

type Item = ChannelResults['inventory:items'][number];

export interface CheckoutValues {
  readonly custodian: string;
  readonly witness: string;
  readonly withoutWitness: boolean;
  readonly reason: string;
  readonly ticket: string;
  readonly hours: string;
  readonly brokenSeal: string;
  readonly sealIntact: 'intact' | 'tampered';
  readonly sealMismatch: boolean;
}

export const EMPTY_CHECKOUT: CheckoutValues = { custodian: '', witness: '', withoutWitness: false, reason: 'drill', ticket: '', hours: '8', brokenSeal: '', sealIntact: 'intact', sealMismatch: false };

/** The labels a custodian sees, by the channel's field names, for errors that name a field. */
export const CHECKOUT_FIELD_LABELS: Readonly<Record<string, string>> = {
  item: 'Item',
  custodian: 'Custodian',
  witness: 'Witness',
  reason: 'Reason',
  ticket: 'Ticket reference',
  expectedReturn: 'Expected back',
  brokenSeal: 'Seal broken',
  sealIntact: 'Seal condition',
  sealMismatch: 'Seal',
};

/** What the form itself can tell before asking main: a choice left empty. */
export function missingCheckoutField(values: CheckoutValues): ReplyError | undefined {
  const missing = (field: string, message: string): ReplyError => ({ code: 'invalid_input', field, message });
  if (!values.custodian) return missing('custodian', 'Choose the custodian who takes the item.');
  if (!values.withoutWitness && !values.witness) return missing('witness', 'Choose the witness, or tick "real emergency without a witness".');
  if (!values.brokenSeal.trim()) return missing('brokenSeal', 'Enter the serial printed on the seal you broke.');
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 2160) return missing('expectedReturn', 'Give the hours until it is back: more than 0, at most 2160 (90 days).');
  return undefined;
}

interface Props {
  readonly item: Item;
  readonly values: CheckoutValues;
  readonly onChange: (change: Partial<CheckoutValues>) => void;
  readonly custodians: readonly string[];
  readonly error: ReplyError | undefined;
  readonly onBack: () => void;
  readonly onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

const FIELDS = Object.keys(CHECKOUT_FIELD_LABELS);

export function CheckoutDetails({ item, values, onChange, custodians, error, onBack, onSubmit }: Props) {
  const at = (field: string) => (error?.field === field ? error.message : undefined);
  const general = error && (!FIELDS.includes(error.field ?? '') || error.field === 'item') ? error.message : undefined;
  const recorded = item.sealSerial;
  return (
    <form className="wizard-form" aria-label="Checkout details" onSubmit={onSubmit} noValidate>
      {general && (
        <p className="form-error" role="alert">
          {general}
        </p>
      )}
      <div className="field-grid">
        <Field id="checkout-custodian" label="Custodian (takes it)" error={at('custodian')}>
          <PeopleChoice id="checkout-custodian" value={values.custodian} people={custodians} invalid={!!at('custodian')} onChange={(custodian) => onChange({ custodian })} />
        </Field>
        <Field id="checkout-witness" label="Witness (second custodian)" error={at('witness')}>
          <PeopleChoice id="checkout-witness" value={values.witness} people={custodians} invalid={!!at('witness')} disabled={values.withoutWitness} onChange={(witness) => onChange({ witness })} />
        </Field>
        <label className="inline span-all">
          <input type="checkbox" checked={values.withoutWitness} onChange={(e) => onChange({ withoutWitness: e.currentTarget.checked, ...(e.currentTarget.checked && { reason: 'emergency' }) })} /> Real emergency without a witness (flagged until countersigned)
        </label>
        <Field id="checkout-reason" label="Reason" error={at('reason')}>
          <select id="checkout-reason" value={values.reason} onChange={(e) => onChange({ reason: e.currentTarget.value })}>
            {['drill', 'emergency', 'maintenance', 'audit'].map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field id="checkout-ticket" label="Ticket reference" error={at('ticket')}>
          <input id="checkout-ticket" type="text" autoComplete="off" value={values.ticket} onChange={(e) => onChange({ ticket: e.currentTarget.value })} />
        </Field>
        <Field id="checkout-hours" label="Expected back in (hours)" error={at('expectedReturn')}>
          <input id="checkout-hours" type="number" min="1" max="2160" value={values.hours} aria-invalid={!!at('expectedReturn') || undefined} onChange={(e) => onChange({ hours: e.currentTarget.value })} />
        </Field>
        <Field id="checkout-seal" label="Seal broken (serial)" error={at('brokenSeal') ?? at('sealMismatch')} hint={recorded ? `Recorded: stored under seal ${recorded}.` : 'No seal is recorded for this item.'}>
          <input
            id="checkout-seal"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={values.brokenSeal}
            aria-invalid={!!(at('brokenSeal') ?? at('sealMismatch')) || undefined}
            onChange={(e) => onChange({ brokenSeal: e.currentTarget.value })}
          />
        </Field>
        {recorded && (
          <label className="inline span-all">
            <input type="checkbox" checked={values.sealMismatch} onChange={(e) => onChange({ sealMismatch: e.currentTarget.checked })} /> Found under another seal (recorded as a critical finding)
          </label>
        )}
        <fieldset className="field span-all">
          <legend>The seal was</legend>
          <label className="inline">
            <input type="radio" name="sealIntact" checked={values.sealIntact === 'intact'} onChange={() => onChange({ sealIntact: 'intact' })} /> intact
          </label>
          <label className="inline">
            <input type="radio" name="sealIntact" checked={values.sealIntact === 'tampered'} onChange={() => onChange({ sealIntact: 'tampered' })} /> damaged or tampered with
          </label>
        </fieldset>
      </div>
      <div className="button-row">
        <button type="button" className="secondary" onClick={onBack}>
          Back
        </button>
        <button type="submit">Ask for the touches</button>
      </div>
    </form>
  );
}

function Field({ id, label, error, hint, children }: { readonly id: string; readonly label: string; readonly error?: string; readonly hint?: string; readonly children: ReactNode }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function PeopleChoice(props: { readonly id: string; readonly value: string; readonly people: readonly string[]; readonly invalid: boolean; readonly disabled?: boolean; readonly onChange: (name: string) => void }) {
  return (
    <select id={props.id} value={props.value} disabled={props.disabled} aria-invalid={props.invalid || undefined} aria-describedby={props.invalid ? `${props.id}-error` : undefined} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <option value="">— choose —</option>
      {props.people.map((p) => (
        <option key={p}>{p}</option>
      ))}
    </select>
  );
}
