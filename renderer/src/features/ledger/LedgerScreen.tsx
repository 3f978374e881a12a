import { useEffect, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Panel, Screen } from '../../components/Layout';
import { invoke, onLedgerAppended } from '../../lib/ipc';
import { CheckpointPanel } from './CheckpointPanel';
import { LedgerList } from './LedgerList';

type Verification = ChannelResults['ledger:verify'];
type Item = ChannelResults['inventory:list']['authenticators'][number];

export function LedgerScreen() {
  const [verification, setVerification] = useState<Verification | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  // Verification, the items to filter by and the checkpoints wait for the first page of entries,
  // so that the list is never queued behind them in main.
  const [listLoaded, setListLoaded] = useState(false);
  const [items, setItems] = useState<readonly Item[]>([]);
  const [verifying, setVerifying] = useState(true);

  async function verify(expectHead?: string) {
    setVerifying(true);
    const reply = await invoke('ledger:verify', expectHead ? { expectHead } : {});
    setVerifying(false);
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setVerification(reply.value);
  }

  useEffect(() => {
    if (!listLoaded) return;
    const loadItems = async () => {
      const reply = await invoke('inventory:list', {});
      if (reply.ok) setItems(reply.value.authenticators);
    };
    void loadItems();
    void verify();
    return onLedgerAppended(() => {
      void loadItems();
      void verify();
    });
  }, [listLoaded]);

  function verifyAgainst(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const head = String(new FormData(event.currentTarget).get('expectHead') ?? '').trim();
    void verify(head || undefined);
  }

  return (
    <Screen id="ledger" title="Ledger">
      <VerificationBanner verification={verification} verifying={verifying} />
      <Panel id="ledger-verify" title="Verify against a printed head">
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
      </Panel>
      <CheckpointPanel ready={listLoaded} />
      <LedgerList items={items} failingSeq={verification && !verification.ok ? verification.firstBadSeq : undefined} onLoaded={() => setListLoaded(true)} />
    </Screen>
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
      <p className="banner-next">What to do: stop using this database; compare it with the last printed head hash and a backup, and call the security officer. The entry is marked in the list below.</p>
      <div className="head">
        Last good head (entry {verification.headSeq}): <code data-testid="head-hash">{verification.headHash}</code>
      </div>
    </div>
  );
}
