import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChannelArgs, ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Pager } from '../../components/Pager';
import { invoke, onLedgerAppended } from '../../lib/ipc';
import { STATE_LABELS } from '../../lib/format';
import { AuthenticatorRows } from './AuthenticatorTable';

type Page = ChannelResults['inventory:authenticators'];
type Counts = ChannelResults['inventory:overview']['authenticators'];
type Filters = Omit<ChannelArgs<'inventory:authenticators'>, 'offset' | 'limit'>;

export const AUTHENTICATOR_PAGE_SIZE = 50;

/** The orders main lists authenticators in (core/inventory/authenticator-query AUTHENTICATOR_SORTS). */
const ORDERS = [
  ['label', 'Label'],
  ['place', 'Storage place'],
  ['last-check', 'Longest unchecked first'],
] as const;
const KINDS = [
  ['', 'Any kind'],
  ['fido2', 'FIDO2 keys'],
  ['smartcard', 'Smartcards'],
] as const;
const FIELDS = ['text', 'state', 'kind', 'sort'] as const;
const count = (n: number) => n.toLocaleString('en');

/**
 * The keys and smartcards fifty to a page, searched, narrowed by state and kind and ordered in
 * main: the screen holds one page, however many items the room keeps. `counts` (from the
 * overview) labels the states; `refresh` changing loads the page again (after an import that
 * writes no ledger entry).
 */
export function AuthenticatorList({ counts, refresh }: { readonly counts: Counts | undefined; readonly refresh: number }) {
  const [filters, setFilters] = useState<Filters>({});
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  // Pages may be asked for faster than they come: only the latest asked is shown.
  const latest = useRef(0);

  const load = useCallback(async () => {
    const asked = (latest.current += 1);
    const reply = await invoke('inventory:authenticators', { ...filters, offset, limit: AUTHENTICATOR_PAGE_SIZE });
    if (asked !== latest.current) return;
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setPage(reply.value);
  }, [filters, offset]);
  useEffect(() => {
    void load();
    return onLedgerAppended(() => void load());
  }, [load, refresh]);
  // A page past the end (items went, or the search narrowed) moves back to the last one.
  useEffect(() => {
    if (page && page.matching > 0 && page.offset >= page.matching) setOffset(Math.floor((page.matching - 1) / AUTHENTICATOR_PAGE_SIZE) * AUTHENTICATOR_PAGE_SIZE);
  }, [page]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const get = (name: string) => String(data.get(name) ?? '').trim();
    setFilters({ text: get('text'), state: get('state'), kind: get('kind'), sort: get('sort') });
    setOffset(0);
  }

  const fieldError = (field: string) =>
    error?.field === field ? (
      <small id={`authenticators-${field}-error`} className="field-error" role="alert">
        {error.message}
      </small>
    ) : null;
  const invalid = (field: string) => ({ 'aria-invalid': error?.field === field || undefined, 'aria-describedby': error?.field === field ? `authenticators-${field}-error` : undefined });
  const narrowed = Boolean(filters.text || filters.state || filters.kind);

  return (
    <>
      <form className="filters" aria-label="Filter the authenticators" onSubmit={apply} noValidate>
        <div className="field">
          <label htmlFor="authenticators-text">Search</label>
          <input id="authenticators-text" name="text" type="search" autoComplete="off" spellCheck={false} placeholder="label, serial, place…" {...invalid('text')} />
          {fieldError('text')}
        </div>
        <div className="field">
          <label htmlFor="authenticators-state">State</label>
          <select id="authenticators-state" name="state" defaultValue="" {...invalid('state')}>
            <option value="">Any state{counts ? ` (${count(counts.total)})` : ''}</option>
            {Object.entries(STATE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
                {counts ? ` (${count(counts.byState[value as keyof Counts['byState']] ?? 0)})` : ''}
              </option>
            ))}
          </select>
          {fieldError('state')}
        </div>
        <div className="field">
          <label htmlFor="authenticators-kind">Kind</label>
          <select id="authenticators-kind" name="kind" defaultValue="" {...invalid('kind')}>
            {KINDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {fieldError('kind')}
        </div>
        <div className="field">
          <label htmlFor="authenticators-sort">Order</label>
          <select id="authenticators-sort" name="sort" defaultValue="label" {...invalid('sort')}>
            {ORDERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {fieldError('sort')}
        </div>
        <button type="submit">Show</button>
      </form>
      {error && !(FIELDS as readonly string[]).includes(error.field ?? '') && (
        <p className="form-error" role="alert">
          Could not load the authenticators: {error.message}
        </p>
      )}
      {page && narrowed && (
        <p className="list-count" role="status">
          {count(page.matching)} of {count(page.total)} authenticators match.
        </p>
      )}
      <AuthenticatorRows authenticators={page?.authenticators} empty={narrowed ? 'No authenticator matches.' : 'No authenticators yet.'} />
      {page && (
        <Pager
          label="Authenticators"
          index={Math.floor(page.offset / AUTHENTICATOR_PAGE_SIZE)}
          count={Math.max(1, Math.ceil(page.matching / AUTHENTICATOR_PAGE_SIZE))}
          total={page.matching}
          size={AUTHENTICATOR_PAGE_SIZE}
          go={(index) => setOffset(index * AUTHENTICATOR_PAGE_SIZE)}
        />
      )}
    </>
  );
}
