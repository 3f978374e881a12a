import { parseInstant } from '../calendar';
import { invalidInput } from '../errors';

export const CHECKOUT_REASONS = ['drill', 'emergency', 'maintenance', 'audit'] as const;
export type CheckoutReason = (typeof CHECKOUT_REASONS)[number];

export function parseReason(value: unknown): CheckoutReason {
  if (typeof value === 'string' && (CHECKOUT_REASONS as readonly string[]).includes(value)) return value as CheckoutReason;
  throw invalidInput('reason', `the reason must be one of ${CHECKOUT_REASONS.join(', ')}`);
}

/** An expected return: an ISO date-time with zone, or a number of hours from now; it must lie ahead. */
export function parseExpectedReturn(value: unknown, now: Date): string {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?h?$/.test(value.trim()))) {
    const hours = typeof value === 'number' ? value : Number(value.trim().replace(/h$/, ''));
    if (!(hours > 0 && hours <= 24 * 90)) throw invalidInput('expectedReturn', 'the expected return must be between a moment and 90 days ahead');
    return new Date(now.getTime() + hours * 3_600_000).toISOString();
  }
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value.trim())) {
    throw invalidInput('expectedReturn', 'the expected return is a date and time with its zone (e.g. 2026-11-26T17:00+01:00) or a number of hours (e.g. 8h)');
  }
  // Checked against the calendar: new Date() would take 30 February as 2 March.
  const at = parseInstant(value.trim(), 'required');
  if (at === null) throw invalidInput('expectedReturn', `"${value}" is not a real date and time`);
  if (at <= now.getTime()) throw invalidInput('expectedReturn', 'the expected return must lie in the future');
  return new Date(at).toISOString();
}

export interface OpenCheckout {
  readonly expectedReturnAt: string;
  readonly witnessId: number | null;
  readonly countersignSeq: number | null;
}

export const isOverdue = (checkout: OpenCheckout, now: Date): boolean => Date.parse(checkout.expectedReturnAt) < now.getTime();

/** An emergency checkout by one custodian stays flagged until a second custodian countersigns it. */
export const awaitsCountersign = (checkout: OpenCheckout): boolean => checkout.witnessId === null && checkout.countersignSeq === null;

/** One checkout of an item, and its return once it is back; as the custody list shows it. */
export interface Checkout {
  readonly id: number;
  readonly authenticatorId: number;
  readonly label: string;
  readonly custodianId: number;
  readonly custodian: string;
  readonly witnessId: number | null;
  readonly witness: string | null;
  readonly reason: string;
  readonly ticket: string;
  readonly expectedReturnAt: string;
  readonly brokenSeal: string;
  readonly sealIntact: boolean;
  readonly checkedOutAt: string;
  readonly checkoutSeq: number;
  readonly countersignSeq: number | null;
  readonly returnedAt: string | null;
  readonly returnSeq: number | null;
  readonly returnSeal: string | null;
}

export interface CustodyView extends Checkout {
  readonly overdue: boolean;
  readonly awaitingCountersign: boolean;
}
