import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { KeywardEvents } from '../../../../electron/common/bridge';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Panel, Screen } from '../../components/Layout';
import { invoke, onLedgerAppended } from '../../lib/ipc';
import { CheckpointPanel } from './CheckpointPanel';
import { LedgerList } from './LedgerList';

type Verification = ChannelResults['ledger:verify'];
type Item = ChannelResults['inventory:items'][number];

export function LedgerScreen() {
  const [verification, setVerification] = useState<Verification | undefined>(undefined);
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  // Verification, the items to filter by and the checkpoints wait for the first page of entries,
  // so that the list is never queued behind them in main.
  const [listLoaded, setListLoaded] = useState(false);
  const [items, setItems] = useState<readonly Item[]>([]);
  const [verifying, setVerifying] = useState(true);
  const [progress, setProgress] = useState<KeywardEvents['ledger:progress'] | undefined>(undefined);
  useEffect(() => (window.keyward ? window.keyward.on('ledger:progress', setProgress) : undefined), []);

  // Verifications run on a thread of their own and may overlap (a head typed while the first one runs): the latest asked wins.
  const latest = useRef(0);

  async function verify(expectHead?: string) {
    const asked = (latest.current += 1);
    setVerifying(true);
    setProgress(undefined);
    const reply = await invoke('ledger:verify', expectHead ? { expectHead } : {});
    if (asked !== latest.current) return;
    setVerifying(false);
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setVerification(reply.value);
  }

  useEffect(() => {
    if (!listLoaded) return;
    const loadItems = async () => {
      const reply = await invoke('inventory:items', {});
      if (reply.ok) setItems(reply.value);
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
      {/* A verification that takes long shows how far it has got; a short one leaves the last verdict in place. */}
      {verifying && verification && progress && progress.done < progress.of ? (
        <VerificationProgress progress={progress} />
      ) : (
        <VerificationBanner verification={verification} verifying={verifying} progress={progress} />
      )}
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
          <button type="submit">
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

const count = (n: number) => n.toLocaleString('en-GB');

/** The verification under way: how many entries of how many, as main reports them. */
function VerificationProgress({ progress }: { readonly progress: KeywardEvents['ledger:progress'] | undefined }) {
  return (
    <div className="banner" role="status" aria-live="polite">
      {progress ? `Verifying the ledger: entry ${count(progress.done)} of ${count(progress.of)}…` : 'Verifying the ledger…'}
      {progress && <progress className="verify-progress" max={progress.of} value={progress.done} aria-label="Ledger verification" />}
    </div>
  );
}

function VerificationBanner({ verification, verifying, progress }: { readonly verification: Verification | undefined; readonly verifying: boolean; readonly progress?: KeywardEvents['ledger:progress'] }) {
  if (!verification) return verifying ? <VerificationProgress progress={progress} /> : <p className="banner">Not verified yet.</p>;
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
