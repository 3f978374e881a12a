import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel } from '../../components/Layout';
import { invoke } from '../../lib/ipc';
import { EVENT_FAMILIES, LEDGER_PAGE_SIZE, LedgerPager, ledgerColumns, type LedgerRow } from '../ledger/ledger-pages';

/** The site's ledger as its bundles hold it, a page at a time, newest first, each entry in words; narrowed by event and text. */
export function AuditorLedger({ siteId }: { readonly siteId: string }) {
  const [filters, setFilters] = useState<{ family?: string; text?: string }>({});
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [result, setResult] = useState<ChannelResults['auditor:ledger'] | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const beforeSeq = cursors.at(-1);

  const load = useCallback(async () => {
    const reply = await invoke('auditor:ledger', { siteId, ...filters, limit: LEDGER_PAGE_SIZE, ...(beforeSeq !== undefined && { beforeSeq }) });
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setResult(reply.value);
  }, [siteId, filters, beforeSeq]);
  useEffect(() => void load(), [load]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setFilters({ family: String(data.get('family') ?? ''), text: String(data.get('text') ?? '').trim() });
    setCursors([undefined]);
  }

  const entries = result?.entries;
  return (
    <Panel id="auditor-ledger" title="Ledger">
      <form className="filters" aria-label="Filter the ledger" onSubmit={apply} noValidate>
        <div className="field">
          <label htmlFor="auditor-ledger-family">Event</label>
          <select id="auditor-ledger-family" name="family" defaultValue="">
            {EVENT_FAMILIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="auditor-ledger-text">Search</label>
          <input id="auditor-ledger-text" name="text" type="search" autoComplete="off" spellCheck={false} />
        </div>
        <button type="submit">Show</button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <DataTable<LedgerRow>
        caption="Ledger entries, newest first; times are the site's local time"
        rows={entries}
        rowKey={(e) => e.seq}
        empty="No entry matches."
        columns={ledgerColumns()}
      />
      {result && <LedgerPager page={result} cursors={cursors} setCursors={setCursors} />}
    </Panel>
  );
}
