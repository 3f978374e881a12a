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
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

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
  readonly hash: string;
}

export type UnsealedEntry = Omit<LedgerEntry, 'hash'>;

/**
 * The exact text whose SHA-256 is an entry's hash: the canonical JSON of the entry without
 * `hash`. Fields already held as canonical JSON text are spliced in, which gives the same
 * bytes as canonicalJson() over the parsed entry.
 */
export function entryHashInput(fields: {
  seq: number;
  recordedAt: string;
  utcOffset: string;
  actorsJson: string;
  kind: string;
  payloadJson: string;
  prevHash: string;
}): string {
  return (
    `{"actors":${fields.actorsJson},"kind":${JSON.stringify(fields.kind)},"payload":${fields.payloadJson},` +
    `"prevHash":${JSON.stringify(fields.prevHash)},"recordedAt":${JSON.stringify(fields.recordedAt)},` +
    `"seq":${fields.seq},"utcOffset":${JSON.stringify(fields.utcOffset)}}`
  );
}

export function entryHashInputOf(entry: UnsealedEntry): string {
  return canonicalJson({
    actors: entry.actors as unknown as JsonValue,
    kind: entry.kind,
    payload: entry.payload as JsonValue,
    prevHash: entry.prevHash,
    recordedAt: entry.recordedAt,
    seq: entry.seq,
    utcOffset: entry.utcOffset,
  });
}

/** Formats a UTC offset in minutes east of Greenwich as `+HH:MM`. */
export function formatUtcOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const abs = Math.abs(minutesEast);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}
