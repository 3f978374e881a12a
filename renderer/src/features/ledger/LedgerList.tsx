import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChannelArgs, ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel } from '../../components/Layout';
import { invoke, onLedgerAppended } from '../../lib/ipc';
import { EVENT_FAMILIES, LEDGER_PAGE_SIZE, LedgerPager, ledgerColumns, type LedgerRow } from './ledger-pages';

type Filters = Omit<ChannelArgs<'ledger:search'>, 'limit' | 'beforeSeq'>;


/**
 * The ledger a page at a time, newest first, each entry in words; narrowed by event, item, UTC
 * dates and text. Paging and filtering happen in the database, so 100,000 entries cost a page.
 * The entry where verification failed is marked, with what to do about it. `onLoaded` is told
 * when a page (or its error) has come.
 */
export function LedgerList({ items, failingSeq, onLoaded }: { readonly items: readonly { id: number; label: string }[]; readonly failingSeq: number | undefined; readonly onLoaded?: () => void }) {
  const [filters, setFilters] = useState<Filters>({});
  // Each page starts before the last entry of the page before it; the stack is the way back.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [result, setResult] = useState<ChannelResults['ledger:search'] | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const beforeSeq = cursors.at(-1);

  const load = useCallback(async () => {
    const reply = await invoke('ledger:search', { ...filters, limit: LEDGER_PAGE_SIZE, ...(beforeSeq !== undefined && { beforeSeq }) });
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setResult(reply.value);
  }, [filters, beforeSeq]);
  useEffect(() => {
    void load();
    return onLedgerAppended(() => void load());
  }, [load]);
  useEffect(() => {
    if (result || error) onLoaded?.();
  }, [result, error, onLoaded]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const get = (name: string) => String(data.get(name) ?? '').trim();
    setFilters({ family: get('family'), item: get('item'), from: get('from'), to: get('to'), text: get('text') });
    setCursors([undefined]);
  }

  const entries = result?.entries;
  const fieldError = (field: string) =>
    error?.field === field ? (
      <small id={`ledger-${field}-error`} className="field-error" role="alert">
        {error.message}
      </small>
    ) : null;
  const invalid = (field: string) => ({ 'aria-invalid': error?.field === field || undefined, 'aria-describedby': error?.field === field ? `ledger-${field}-error` : undefined });

  return (
    <Panel id="ledger-entries" title="Entries">
      <form className="filters" aria-label="Filter the ledger" onSubmit={apply} noValidate>
        <div className="field">
          <label htmlFor="ledger-family">Event</label>
          <select id="ledger-family" name="family" defaultValue="" {...invalid('family')}>
            {EVENT_FAMILIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {fieldError('family')}
        </div>
        <div className="field">
          <label htmlFor="ledger-item">Item</label>
          <select id="ledger-item" name="item" defaultValue="" {...invalid('item')}>
            <option value="">Any item</option>
            {items.map((i) => (
              <option key={i.id} value={String(i.id)}>
                {i.label}
              </option>
            ))}
          </select>
          {fieldError('item')}
        </div>
        <div className="field">
          <label htmlFor="ledger-from">From (YYYY-MM-DD, UTC)</label>
          <input id="ledger-from" name="from" type="text" inputMode="numeric" autoComplete="off" spellCheck={false} {...invalid('from')} />
          {fieldError('from')}
        </div>
        <div className="field">
          <label htmlFor="ledger-to">To (YYYY-MM-DD, UTC)</label>
          <input id="ledger-to" name="to" type="text" inputMode="numeric" autoComplete="off" spellCheck={false} {...invalid('to')} />
          {fieldError('to')}
        </div>
        <div className="field">
          <label htmlFor="ledger-text">Search</label>
          <input id="ledger-text" name="text" type="search" autoComplete="off" spellCheck={false} {...invalid('text')} />
          {fieldError('text')}
        </div>
        <button type="submit">Show</button>
      </form>
      {error && !['family', 'item', 'from', 'to', 'text'].includes(error.field ?? '') && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <DataTable<LedgerRow>
        caption="Ledger entries, newest first; times are the room's local time"
        rows={entries}
        rowKey={(e) => e.seq}
        empty="No entry matches."
        rowClass={(e) => (e.seq === failingSeq ? 'row-critical' : undefined)}
        columns={ledgerColumns((e) =>
          e.seq === failingSeq ? (
            <strong className="failing-note">
              {' '}
              Verification fails here: stop using this database, compare it with the last printed head hash and a backup, and call the security officer.
            </strong>
          ) : null,
        )}
      />
      {result && (
        <LedgerPager page={result} cursors={cursors} setCursors={setCursors}>
          {failingSeq !== undefined && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setFilters({});
                setCursors([undefined, failingSeq + 1]);
              }}
            >
              Show entry {failingSeq}
            </button>
          )}
        </LedgerPager>
      )}
    </Panel>
  );
}
