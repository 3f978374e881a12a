import { useState } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { invoke } from '../../lib/ipc';

type Result = ChannelResults['signins:reconcile'];
type SignIn = Result['incidents'][number];

/** Imported sign-ins of the emergency accounts against the logged checkouts, incidents first. */
export function SignInsScreen() {
  const [result, setResult] = useState<Result | undefined>(undefined);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<ReplyError | undefined>(undefined);

  async function importFile() {
    const reply = await invoke('signins:import', {});
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setMessage(!reply.value.imported ? 'Nothing imported.' : reply.value.alreadyImported ? `${reply.value.file} was imported before; nothing added.` : `Imported ${reply.value.records} sign-ins from ${reply.value.file} (${reply.value.added} new).`);
  }
  async function reconcile() {
    const reply = await invoke('signins:reconcile', {});
    if (reply.ok) setResult(reply.value);
    else setError(reply.error);
  }

  return (
    <section aria-labelledby="signins-title" className="screen">
      <h2 id="signins-title">Sign-ins</h2>
      <div className="button-row">
        <button type="button" onClick={() => void importFile()}>
          Import a sign-in export…
        </button>
        <button type="button" onClick={() => void reconcile()}>
          Reconcile with the checkouts
        </button>
      </div>
      <p className="progress" role="status">
        {message}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {result && (
        <>
          <p className={`banner ${result.incidents.length ? 'banner-bad' : 'banner-ok'}`} role={result.incidents.length ? 'alert' : 'status'}>
            {result.incidents.length} incident(s); {result.explained.length} sign-in(s) explained by a checkout; {result.incompleteDrills.length} incomplete drill(s); {result.failedBursts.length} burst(s) of failures.
          </p>
          <DataTable<SignIn>
            caption="Incidents: sign-ins of emergency accounts outside any logged checkout"
            rows={result.incidents}
            rowKey={(s) => s.id}
            empty="No incidents."
            columns={[
              { header: 'When (UTC)', cell: (s) => s.createdAt.replace('T', ' ').slice(0, 19) },
              { header: 'Account', cell: (s) => s.upn || s.userId },
              { header: 'App', cell: (s) => s.app },
              { header: 'IP', cell: (s) => s.ip },
              { header: 'Result', cell: (s) => (s.errorCode === 0 ? 'success' : `failed (${s.errorCode})`) },
            ]}
          />
          <DataTable<Result['explained'][number]>
            caption="Explained: inside a checkout window"
            rows={result.explained}
            rowKey={(e) => e.signIn.id}
            empty="None."
            columns={[
              { header: 'When (UTC)', cell: (e) => e.signIn.createdAt.replace('T', ' ').slice(0, 19) },
              { header: 'Account', cell: (e) => e.signIn.upn || e.signIn.userId },
              { header: 'Checkout entry', cell: (e) => e.checkoutSeq },
            ]}
          />
        </>
      )}
    </section>
  );
}
