import { KeywardError } from '../../core/errors';
import { summariseEntry } from '../../core/ledger/entry-summary';
import type { LedgerEntry } from '../../core/ledger/ledger';
import type { KeywardDatabase } from '../../db/connection';
import { searchEntries, type LedgerQuery } from '../../db/ledger-search';
import { findItem } from '../custody/custody';

/** The families a person filters the ledger by, and the kinds each one holds. */
export const LEDGER_FAMILIES = {
  custody: ['custody.', 'seal.applied'],
  presence: ['presence.', 'authenticator.enrolled', 'smartcard.enrolled'],
  inventory: ['account.', 'place.', 'authenticator.', 'custodian.', 'custodians.', 'seal.registered'],
  network: ['netpath.'],
  guidance: ['posture.', 'signins.', 'validation.', 'metadata.'],
  findings: ['finding.'],
  ledger: ['ledger.', 'site.'],
} as const;
export type LedgerFamily = keyof typeof LEDGER_FAMILIES;

export interface LedgerSearchInput {
  readonly family?: unknown;
  readonly item?: unknown;
  readonly from?: unknown;
  readonly to?: unknown;
  readonly text?: unknown;
  readonly limit?: unknown;
  readonly beforeSeq?: unknown;
}

export interface SummarisedLedgerEntry extends LedgerEntry {
  /** The entry in words (core/ledger/entry-summary). */
  readonly summary: string;
}

const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;

/** `YYYY-MM-DD` as the UTC instant that day starts, or a specific error at the field. */
function day(value: unknown, field: 'from' | 'to', label: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  const match = DATE.exec(text);
  const at = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !at || at.toISOString().slice(0, 10) !== text) throw new KeywardError('invalid_input', `${label} must be a date written YYYY-MM-DD, e.g. 2026-11-25${text ? ` (got "${text}")` : ''}`, field);
  return at.toISOString();
}

/**
 * A page of the ledger, newest first, narrowed by family of event, item, UTC dates and text;
 * each entry with its summary. Paged in the database, so 100,000 entries page as quickly as 50.
 */
export function searchLedger(db: KeywardDatabase, input: LedgerSearchInput = {}): { entries: SummarisedLedgerEntry[]; total: number } {
  const limit = input.limit ?? 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 500) throw new KeywardError('invalid_input', 'a page holds from 1 to 500 entries', 'limit');
  const beforeSeq = input.beforeSeq;
  if (beforeSeq !== undefined && (typeof beforeSeq !== 'number' || !Number.isInteger(beforeSeq) || beforeSeq < 1)) throw new KeywardError('invalid_input', 'the page must start before a positive entry number', 'beforeSeq');
  const family = input.family === undefined || input.family === '' ? undefined : input.family;
  if (family !== undefined && (typeof family !== 'string' || !Object.hasOwn(LEDGER_FAMILIES, family))) {
    throw new KeywardError('invalid_input', `the kind of event must be one of ${Object.keys(LEDGER_FAMILIES).join(', ')}`, 'family');
  }
  const from = day(input.from, 'from', 'From');
  const toStart = day(input.to, 'to', 'To');
  // "To" includes the whole of its day.
  const to = toStart && new Date(Date.parse(toStart) + 86_400_000).toISOString();
  if (from && to && from >= to) throw new KeywardError('invalid_input', 'From must not be after To', 'to');
  if (input.text !== undefined && typeof input.text !== 'string') throw new KeywardError('invalid_input', 'the search must be text', 'text');
  const text = (input.text ?? '').trim();
  if (text.length > 200) throw new KeywardError('invalid_input', 'the search is at most 200 characters', 'text');
  const authenticatorId = input.item === undefined || input.item === '' ? undefined : findItem({ db }, input.item).id;
  const query: LedgerQuery = { kinds: family ? LEDGER_FAMILIES[family as LedgerFamily] : undefined, authenticatorId, from, to, text: text || undefined };
  const { entries, total } = searchEntries(db, query, { limit, beforeSeq: beforeSeq as number | undefined });
  return { entries: entries.map((e) => ({ ...e, summary: summariseEntry(e) })), total };
}
