import { invalidInput } from '../errors';
import type { KeyMetadata } from '../metadata/metadata';
import { normaliseText } from '../text/text';

export const AUTHENTICATOR_KINDS = ['fido2', 'smartcard'] as const;
export type AuthenticatorKind = (typeof AUTHENTICATOR_KINDS)[number];

export const AUTHENTICATOR_STATES = ['in_safe', 'checked_out', 'lost', 'retired'] as const;
export type AuthenticatorState = (typeof AUTHENTICATOR_STATES)[number];

export interface EmergencyAccount {
  readonly id: number;
  readonly upn: string;
  readonly objectId: string;
  readonly label: string;
  readonly createdAt: string;
}

export interface StoragePlace {
  readonly id: number;
  readonly name: string;
  readonly site: string;
  readonly safe: string;
  readonly slot: string;
  readonly createdAt: string;
}

export interface Authenticator {
  readonly id: number;
  readonly kind: AuthenticatorKind;
  readonly label: string;
  readonly serial: string;
  readonly state: AuthenticatorState;
  readonly placeName: string | null;
  readonly accountUpn: string | null;
  readonly createdAt: string;
  /** A software key for drills, never a real emergency credential. */
  readonly simulated: boolean;
  /** Whether Keyward enrolled the item: its own credential on a FIDO2 key, or a smartcard's identity and certificates read. */
  readonly enrolled: boolean;
  readonly model: string | null;
  readonly lastCheckedAt: string | null;
  readonly lastResult: 'ok' | 'anomaly' | 'missing' | null;
  /** A smartcard's PIV Authentication certificate not-after, once the card is enrolled. */
  readonly expiresAt: string | null;
  /** The seal the item is stored under in the safe, when one is recorded. */
  readonly sealSerial: string | null;
  /** For an enrolled FIDO2 key, in a listing: its model, certification and status in the FIDO metadata, and its genuineness. */
  readonly metadata?: KeyMetadata;
  /**
   * Facts about the item that are not anomalies: a FIDO2 key's expired attestation certificate or
   * non-canonical responses; a smartcard's serial and its PIN and PUK retry counters.
   */
  readonly notes: readonly string[];
}

export interface Custodian {
  readonly id: number;
  readonly name: string;
  readonly active: boolean;
  readonly createdAt: string;
  /** The custodian's own key: a real one, a drill key, or none yet (a name cannot approve anything). */
  readonly key: 'real' | 'drill' | null;
}

export interface Seal {
  readonly id: number;
  readonly serial: string;
  readonly state: 'unused' | 'sealing' | 'broken';
  readonly createdAt: string;
  /** The item this seal holds in the safe, when it is sealing one. */
  readonly holds: string | null;
}

/** The whole inventory as screens show it. */
export interface Inventory {
  readonly accounts: EmergencyAccount[];
  readonly authenticators: Authenticator[];
  readonly custodians: Custodian[];
  readonly places: StoragePlace[];
  readonly seals: Seal[];
}

const UPN = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function parseUpn(value: unknown, field = 'upn'): string {
  const upn = typeof value === 'string' ? normaliseText(value, field) : '';
  if (upn === '') throw invalidInput(field, 'a user principal name is required, e.g. bg1@contoso.onmicrosoft.com');
  if (upn.length > 113 || !UPN.test(upn) || upn.startsWith('.') || upn.includes('..')) {
    throw invalidInput(field, `"${upn}" is not a valid user principal name (expected name@domain, e.g. bg1@contoso.onmicrosoft.com)`);
  }
  return upn.toLowerCase();
}

export function parseObjectId(value: unknown, field = 'objectId'): string {
  const id = typeof value === 'string' ? normaliseText(value, field) : '';
  if (id === '') throw invalidInput(field, 'an Entra object id is required (a GUID)');
  if (!GUID.test(id)) throw invalidInput(field, `"${id}" is not an Entra object id (expected a GUID like 3f2504e0-4f89-11d3-9a0c-0305e82c3301)`);
  return id.toLowerCase();
}

/**
 * A short human text, as it is stored and printed: NFC, trimmed, single-spaced, 1..max characters,
 * with no control, bidirectional, zero-width or other invisible character (core/text/text.ts).
 */
export function parseText(value: unknown, field: string, options: { required: boolean; max?: number } = { required: true }): string {
  const max = options.max ?? 120;
  if (value !== undefined && value !== null && typeof value !== 'string') throw invalidInput(field, `${field} must be text`);
  const text = typeof value === 'string' ? normaliseText(value, field) : '';
  if (text === '') {
    if (options.required) throw invalidInput(field, `${field} is required`);
    return '';
  }
  if (text.length > max) throw invalidInput(field, `${field} is ${text.length} characters long; at most ${max} are allowed`);
  return text;
}

export function parseAuthenticatorKind(value: unknown, field = 'kind'): AuthenticatorKind {
  if (typeof value === 'string' && (AUTHENTICATOR_KINDS as readonly string[]).includes(value)) return value as AuthenticatorKind;
  throw invalidInput(field, `kind must be one of ${AUTHENTICATOR_KINDS.join(', ')}${typeof value === 'string' ? ` (got "${value}")` : ''}`);
}

/** Seal serials are printed on the bag: letters, digits and dashes. */
export function parseSealSerial(value: unknown, field = 'serial'): string {
  const serial = parseText(value, field, { required: true, max: 40 });
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(serial)) throw invalidInput(field, `"${serial}" is not a seal serial (letters, digits and dashes only)`);
  return serial.toUpperCase();
}
