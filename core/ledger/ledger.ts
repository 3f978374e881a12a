import { canonicalJson, type JsonValue } from './canonical-json';

/** The hash that the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Everything that can happen in the room; corrections are new entries of their own kind. */
export const LEDGER_ENTRY_KINDS = [
  'ledger.created',
  'account.added',
  'place.added',
  'authenticator.added',
  'custodian.added',
  'seal.registered',
  'seal.applied',
  'authenticator.enrolled',
  'authenticator.bound',
  'authenticator.unbound',
  'authenticator.retired',
  'smartcard.enrolled',
  'presence.checked',
  'netpath.classified',
  'netpath.proved',
  'custodians.founded',
  'custodian.key_enrolled',
  'custodian.key_replaced',
  'custodian.deactivated',
  'custody.checked_out',
  'custody.returned',
  'custody.countersigned',
  'posture.account_facts',
  'posture.organisation_facts',
  'posture.imported',
  'posture.place_access',
  'signins.imported',
  'signins.reconciled',
  'audits.imported',
  'audits.reconciled',
  'metadata.imported',
  'validation.started',
  'validation.attested',
  'validation.waived',
  'validation.completed',
  'validation.subscription_changed',
  'finding.resolved',
  'site.named',
  'ledger.checkpoint',
  'ledger.backed_up',
  'ledger.restored',
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

const KNOWN_KINDS: ReadonlySet<string> = new Set(LEDGER_ENTRY_KINDS);

/** The first of `kinds` this version does not know, if any: a run walked elsewhere holding one is walked again where it is named. */
export function unknownKindAmong(kinds: Iterable<string>): string | undefined {
  for (const kind of kinds) if (!KNOWN_KINDS.has(kind)) return kind;
  return undefined;
}

export interface Actor {
  readonly role: 'operator' | 'custodian' | 'witness' | 'system';
  readonly name: string;
}

/** One ledger row as stored and exported. `hash` covers every other field. */
export interface LedgerEntry {
  readonly seq: number;
  /** UTC instant, ISO 8601 with milliseconds and `Z`. */
  readonly recordedAt: string;
  /** The local UTC offset of the machine when it was recorded, `+HH:MM` or `-HH:MM`. */
  readonly utcOffset: string;
  readonly actors: readonly Actor[];
  readonly kind: string;
  readonly payload: { readonly [key: string]: JsonValue };
  readonly prevHash: string;
  /** Custodians' signatures over this entry, for entries made under dual control. */
  readonly approvals?: readonly Approval[];
  readonly hash: string;
}

/**
 * A custodian's WebAuthn assertion whose challenge is the SHA-256 of the entry's body without its
 * approvals: it signs exactly this entry, at this place in the chain, and nothing else.
 */
export interface Approval {
  readonly role: 'custodian' | 'witness' | 'countersigner';
  readonly custodianId: number;
  /** base64url, as everywhere in WebAuthn. */
  readonly credentialId: string;
  readonly clientDataJSON: string;
  readonly authenticatorData: string;
  readonly signature: string;
}

export type UnsealedEntry = Omit<LedgerEntry, 'hash'>;

/**
 * An entry's body: the canonical JSON of every field but `hash`. It is stored as it is, and its
 * SHA-256 is the entry's hash, so nothing has to be re-encoded to verify it.
 */
export function entryBody(entry: UnsealedEntry): string {
  return canonicalJson({
    actors: entry.actors as unknown as JsonValue,
    ...(entry.approvals?.length ? { approvals: entry.approvals as unknown as JsonValue } : {}),
    kind: entry.kind,
    payload: entry.payload as JsonValue,
    prevHash: entry.prevHash,
    recordedAt: entry.recordedAt,
    seq: entry.seq,
    utcOffset: entry.utcOffset,
  });
}

/** What custodians sign: the body of the entry as it will be written, without approvals. */
export function approvalChallengeInput(entry: UnsealedEntry): string {
  return entryBody({ ...entry, approvals: undefined });
}

/** `2026-11-25T09:00:00.000Z`: the only form a ledger timestamp takes (24 characters). */
export const RECORDED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** `+01:00` or `-05:30` (6 characters). */
export const UTC_OFFSET = /^[+-]\d\d:\d\d$/;

/**
 * Reads the seq and previous hash out of a body without parsing all of it: canonical key order
 * puts prevHash, recordedAt, seq and utcOffset last, and their values have fixed lengths, so
 * the tail is read from the end at fixed offsets. Undefined when the body does not end the way
 * an entry written by Keyward ends. Verification runs this once per entry, so it stays cheap.
 */
export function chainFieldsOf(body: string): { seq: number; prevHash: string } | undefined {
  const end = body.length;
  if (!body.endsWith('"}') || !body.startsWith(',"utcOffset":"', end - 22)) return undefined;
  if (!UTC_OFFSET.test(body.slice(end - 8, end - 2))) return undefined;
  let digits = end - 22;
  while (digits > 0 && digits > end - 22 - 16) {
    const code = body.charCodeAt(digits - 1);
    if (code < 48 || code > 57) break;
    digits -= 1;
  }
  const seqText = body.slice(digits, end - 22);
  if (seqText === '' || (seqText.length > 1 && seqText.startsWith('0'))) return undefined;
  if (!body.startsWith('","seq":', digits - 8) || !RECORDED_AT.test(body.slice(digits - 32, digits - 8))) return undefined;
  if (!body.startsWith('","recordedAt":"', digits - 48) || !body.startsWith(',"prevHash":"', digits - 125)) return undefined;
  return { seq: Number(seqText), prevHash: body.slice(digits - 112, digits - 48) };
}

/** Formats a UTC offset in minutes east of Greenwich as `+HH:MM`. */
export function formatUtcOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const abs = Math.abs(minutesEast);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}
