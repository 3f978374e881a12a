import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel } from '../../components/Layout';
import { Token } from '../../components/Token';
import { invoke } from '../../lib/ipc';
import { formatRecordedAt } from '../../lib/format';

type Entry = ChannelResults['auditor:ledger']['entries'][number];

const PAGE = 50;
/** The families the site's Ledger screen filters by (app/ledger/ledger-search LEDGER_FAMILIES). */
const FAMILIES = [
  ['', 'All events'],
  ['custody', 'Custody (checkouts, returns, seals)'],
  ['presence', 'Presence checks and enrolments'],
  ['inventory', 'Inventory changes'],
  ['network', 'Network paths'],
  ['guidance', 'Posture, sign-ins, validation'],
  ['findings', 'Resolved findings'],
  ['ledger', 'Checkpoints and backups'],
] as const;

/** The site's ledger as its bundles hold it, a page at a time, newest first, each entry in words; narrowed by event and text. */
export function AuditorLedger({ siteId }: { readonly siteId: string }) {
  const [filters, setFilters] = useState<{ family?: string; text?: string }>({});
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [result, setResult] = useState<ChannelResults['auditor:ledger'] | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const beforeSeq = cursors.at(-1);

  const load = useCallback(async () => {
    const reply = await invoke('auditor:ledger', { siteId, ...filters, limit: PAGE, ...(beforeSeq !== undefined && { beforeSeq }) });
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
            {FAMILIES.map(([value, label]) => (
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
      <DataTable<Entry>
        caption="Ledger entries, newest first; times are the site's local time"
        rows={entries}
        rowKey={(e) => e.seq}
        empty="No entry matches."
        columns={[
          { header: 'Entry', cell: (e) => e.seq },
          { header: 'Recorded', cell: (e) => <time dateTime={e.recordedAt}>{formatRecordedAt(e.recordedAt, e.utcOffset, 'minutes')}</time> },
          { header: 'What happened', cell: (e) => e.summary },
          { header: 'By', cell: (e) => e.actors.map((a) => `${a.name} (${a.role})`).join(', ') },
          { header: 'Hash', cell: (e) => <Token value={e.hash.slice(0, 12)} title={e.hash} /> },
        ]}
      />
      {result && (
        <nav className="pager" aria-label="Ledger pages">
          <button type="button" className="secondary" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </button>
          <span aria-live="polite">
            {!entries?.length ? `${result.total.toLocaleString('en')} matching` : `${result.total.toLocaleString('en')} matching; showing entries ${entries[0]!.seq.toLocaleString('en')} back to ${entries.at(-1)!.seq.toLocaleString('en')}`}
          </span>
          <button type="button" className="secondary" disabled={(entries?.length ?? 0) < PAGE} onClick={() => setCursors((c) => [...c, entries?.at(-1)?.seq])}>
            Older
          </button>
        </nav>
      )}
    </Panel>
  );
}
