import type { Dispatch, ReactNode, SetStateAction } from 'react';
import type { ChannelResults } from '../../../../electron/common/channels';
import { Token } from '../../components/Token';
import { formatRecordedAt } from '../../lib/format';

/** One page of ledger entries, as the site's Ledger screen and the auditor's both read it. */
export type LedgerPage = ChannelResults['ledger:search'];
export type LedgerRow = LedgerPage['entries'][number];

export const LEDGER_PAGE_SIZE = 50;

/** The event families a ledger is filtered by (app/ledger/ledger-search LEDGER_FAMILIES). */
export const EVENT_FAMILIES = [
  ['', 'All events'],
  ['custody', 'Custody (checkouts, returns, seals)'],
  ['presence', 'Presence checks and enrolments'],
  ['inventory', 'Inventory changes'],
  ['network', 'Network paths'],
  ['guidance', 'Posture, sign-ins, validation'],
  ['findings', 'Resolved findings'],
  ['ledger', 'Checkpoints and backups'],
] as const;

/** The columns of a ledger page: entry, time, what happened in words (with `remark` after it), who, and the hash. */
export function ledgerColumns(remark?: (entry: LedgerRow) => ReactNode): readonly { readonly header: string; readonly cell: (entry: LedgerRow) => ReactNode }[] {
  return [
    { header: 'Entry', cell: (e) => e.seq },
    { header: 'Recorded', cell: (e) => <time dateTime={e.recordedAt}>{formatRecordedAt(e.recordedAt, e.utcOffset, 'minutes')}</time> },
    {
      header: 'What happened',
      cell: (e) => (
        <>
          {e.summary}
          {remark?.(e)}
        </>
      ),
    },
    { header: 'By', cell: (e) => e.actors.map((a) => `${a.name} (${a.role})`).join(', ') },
    { header: 'Hash', cell: (e) => <Token value={e.hash.slice(0, 12)} title={e.hash} /> },
  ];
}

/**
 * Newer and Older through a ledger read newest first: each page starts before the last entry of
 * the page before it, and `cursors` is the way back. `children` adds buttons after Older.
 */
export function LedgerPager({ page, cursors, setCursors, children }: { readonly page: LedgerPage; readonly cursors: readonly (number | undefined)[]; readonly setCursors: Dispatch<SetStateAction<(number | undefined)[]>>; readonly children?: ReactNode }) {
  const { entries, total } = page;
  return (
    <nav className="pager" aria-label="Ledger pages">
      <button type="button" className="secondary" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
        Newer
      </button>
      <span aria-live="polite">
        {!entries.length ? `${total.toLocaleString('en')} matching` : `${total.toLocaleString('en')} matching; showing entries ${entries[0]!.seq.toLocaleString('en')} back to ${entries.at(-1)!.seq.toLocaleString('en')}`}
      </span>
      <button type="button" className="secondary" disabled={entries.length < LEDGER_PAGE_SIZE} onClick={() => setCursors((c) => [...c, entries.at(-1)?.seq])}>
        Older
      </button>
      {children}
    </nav>
  );
}
