import { invalidInput } from '../errors';
import { AUTHENTICATOR_KINDS, AUTHENTICATOR_STATES, type Authenticator, type AuthenticatorKind, type AuthenticatorState, type Custodian, type EmergencyAccount, type Seal, type StoragePlace } from './inventory';

/** The orders the Inventory screen lists authenticators in: by label, by storage place, or longest unchecked first. */
export const AUTHENTICATOR_SORTS = ['label', 'place', 'last-check'] as const;
export type AuthenticatorSort = (typeof AUTHENTICATOR_SORTS)[number];

export const AUTHENTICATOR_PAGE_MAX = 200;

/** What a person narrows the authenticators to; every part optional, all of them together. */
export interface AuthenticatorQuery {
  /** Text in the label, serial, storage place, account UPN or model, case aside. */
  readonly text?: string;
  readonly state?: AuthenticatorState;
  readonly kind?: AuthenticatorKind;
}

/** A page of authenticators as asked: where it starts in the matching list, how many at most. */
export interface AuthenticatorPageRequest extends AuthenticatorQuery {
  readonly sort: AuthenticatorSort;
  readonly offset: number;
  readonly limit: number;
}

/** One page of the authenticators that match, and how many match and how many there are in all. */
export interface AuthenticatorPage {
  readonly authenticators: Authenticator[];
  readonly offset: number;
  readonly limit: number;
  readonly matching: number;
  readonly total: number;
}

/** The inventory without its authenticators, which come a page at a time, but with their counts. */
export interface InventoryOverview {
  readonly accounts: EmergencyAccount[];
  readonly custodians: Custodian[];
  readonly places: StoragePlace[];
  readonly seals: Seal[];
  readonly authenticators: { readonly total: number; readonly byState: Partial<Record<AuthenticatorState, number>>; readonly byKind: Partial<Record<AuthenticatorKind, number>> };
}

/** An item as a list to choose from shows it: enough to name it and to tell whether it may be chosen. */
export interface ItemChoice {
  readonly id: number;
  readonly label: string;
  readonly kind: AuthenticatorKind;
  readonly state: AuthenticatorState;
  readonly simulated: boolean;
  readonly enrolled: boolean;
  /** The seal it is stored under in the safe, when one is recorded. */
  readonly sealSerial: string | null;
}

/** Input as it arrives from IPC or the CLI: unvalidated. */
export interface AuthenticatorPageInput {
  readonly text?: unknown;
  readonly state?: unknown;
  readonly kind?: unknown;
  readonly sort?: unknown;
  readonly offset?: unknown;
  readonly limit?: unknown;
}

const SEARCH_MAX = 100;
/** Far beyond any room's inventory; an offset past it is a mistake, not a page. */
const OFFSET_MAX = 1_000_000;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, what: string): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalidInput(field, `${what} must be one of ${allowed.join(', ')}${typeof value === 'string' ? ` (got "${value.slice(0, 40)}")` : ''}`);
}

function wholeNumber(value: unknown, fallback: number, field: string, min: number, max: number, message: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidInput(field, `${message}${typeof value === 'number' ? ` (got ${value})` : ''}`);
  return value;
}

/** Every field of a page request checked, each with its own error; nothing is read before all pass. */
export function parseAuthenticatorPageRequest(input: AuthenticatorPageInput): AuthenticatorPageRequest {
  if (input.text !== undefined && typeof input.text !== 'string') throw invalidInput('text', 'the search must be text');
  const text = (input.text ?? '').trim();
  if (text.length > SEARCH_MAX) throw invalidInput('text', `the search is ${text.length} characters long; at most ${SEARCH_MAX} are allowed`);
  if (/[\p{Cc}\p{Cf}]/u.test(text)) throw invalidInput('text', 'the search holds a control or invisible character');
  const state = oneOf(input.state, AUTHENTICATOR_STATES, 'state', 'the state');
  const kind = oneOf(input.kind, AUTHENTICATOR_KINDS, 'kind', 'the kind');
  const sort = oneOf(input.sort, AUTHENTICATOR_SORTS, 'sort', 'the order') ?? 'label';
  const limit = wholeNumber(input.limit, 50, 'limit', 1, AUTHENTICATOR_PAGE_MAX, `a page holds from 1 to ${AUTHENTICATOR_PAGE_MAX} authenticators`);
  const offset = wholeNumber(input.offset, 0, 'offset', 0, OFFSET_MAX, `the page must start at a whole number of authenticators from 0 to ${OFFSET_MAX.toLocaleString('en')}`);
  return { ...(text && { text }), ...(state && { state }), ...(kind && { kind }), sort, offset, limit };
}
