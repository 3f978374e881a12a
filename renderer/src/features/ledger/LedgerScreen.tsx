import { useEffect, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { invoke, onLedgerAppended } from '../../lib/ipc';
import { formatRecordedAt } from '../../lib/format';
import { CheckpointPanel } from './CheckpointPanel';

type Entry = ChannelResults['ledger:list'][number];
type Verification = ChannelResults['ledger:verify'];

const PAGE = 50;

export function LedgerScreen() {
  const [entries, setEntries] = useState<Entry[] | undefined>(undefined);
  const [more, setMore] = useState(false);
  const [verification, setVerification] = useState<Verification | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [verifying, setVerifying] = useState(false);

  async function loadFirstPage() {
    const reply = await invoke('ledger:list', { limit: PAGE });
    if (!reply.ok) return setError(reply.error);
    setEntries(reply.value);
    setMore(reply.value.length === PAGE);
  }

  async function loadOlder() {
    const oldest = entries?.at(-1)?.seq;
    if (!oldest) return;
    const reply = await invoke('ledger:list', { limit: PAGE, beforeSeq: oldest });
    if (!reply.ok) return setError(reply.error);
    setEntries([...(entries ?? []), ...reply.value]);
    setMore(reply.value.length === PAGE);
  }

  async function verify(expectHead?: string) {
    setVerifying(true);
    const reply = await invoke('ledger:verify', expectHead ? { expectHead } : {});
    setVerifying(false);
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setVerification(reply.value);
  }

  useEffect(() => {
    void loadFirstPage();
    void verify();
    return onLedgerAppended(() => {
      void loadFirstPage();
      void verify();
    });
  }, []);

  function verifyAgainst(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const head = String(new FormData(event.currentTarget).get('expectHead') ?? '').trim();
    void verify(head || undefined);
  }

  return (
    <section aria-labelledby="ledger-title" className="screen">
      <h2 id="ledger-title">Ledger</h2>
      <VerificationBanner verification={verification} verifying={verifying} />
      <form className="verify-form" onSubmit={verifyAgainst} aria-label="Verify the ledger">
        <div className={`field${error?.field === 'expectHead' ? ' has-error' : ''}`}>
          <label htmlFor="expect-head">Head hash printed on a report (optional)</label>
          <input id="expect-head" name="expectHead" type="text" spellCheck={false} autoComplete="off" aria-invalid={error?.field === 'expectHead' || undefined} aria-describedby={error?.field === 'expectHead' ? 'expect-head-error' : undefined} />
          {error?.field === 'expectHead' && (
            <small id="expect-head-error" className="field-error" role="alert">
              {error.message}
            </small>
          )}
        </div>
        <button type="submit" disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify the ledger'}
        </button>
      </form>
      {error && error.field !== 'expectHead' && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <CheckpointPanel />
      <DataTable<Entry>
        caption="Ledger entries, newest first"
        rows={entries}
        rowKey={(e) => e.seq}
        empty="The ledger is empty."
        columns={[
          { header: 'Seq', cell: (e) => e.seq },
          { header: 'Recorded (local time of the room)', cell: (e) => <time dateTime={e.recordedAt}>{formatRecordedAt(e.recordedAt, e.utcOffset)}</time> },
          { header: 'Event', cell: (e) => <code>{e.kind}</code> },
          { header: 'By', cell: (e) => e.actors.map((a) => `${a.name} (${a.role})`).join(', ') },
          { header: 'Details', cell: (e) => <PayloadSummary payload={e.payload} /> },
          { header: 'Hash', cell: (e) => <code className="hash" title={e.hash}>{e.hash.slice(0, 16)}</code> },
        ]}
      />
      {more && (
        <button type="button" onClick={() => void loadOlder()}>
          Load older entries
        </button>
      )}
    </section>
  );
}

function VerificationBanner({ verification, verifying }: { readonly verification: Verification | undefined; readonly verifying: boolean }) {
  if (!verification) return <p className="banner">{verifying ? 'Verifying the ledger…' : 'Not verified yet.'}</p>;
  if (verification.ok) {
    return (
      <div className="banner banner-ok" role="status">
        <strong>Ledger verified:</strong> {verification.entries} entries, hash chain intact.
        <div className="head">
          Head hash (entry {verification.headSeq}): <code data-testid="head-hash">{verification.headHash}</code>
        </div>
      </div>
    );
  }
  return (
    <div className="banner banner-bad" role="alert">
      <strong>Ledger verification failed at entry {verification.firstBadSeq}</strong> ({verification.reason?.replace('_', ' ')}): {verification.message}
      <div className="head">
        Last good head (entry {verification.headSeq}): <code data-testid="head-hash">{verification.headHash}</code>
      </div>
    </div>
  );
}

function PayloadSummary({ payload }: { readonly payload: Entry['payload'] }) {
  const parts = Object.entries(payload)
    .filter(([key, value]) => !key.endsWith('Id') && value !== null && value !== '')
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return <span className="payload">{parts.join(' · ') || '—'}</span>;
}
