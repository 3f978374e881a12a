import { useState } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel, Screen } from '../../components/Layout';
import { Token } from '../../components/Token';
import { invoke } from '../../lib/ipc';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';

type State = ChannelResults['signins:state'];
type SignIn = State['now']['incidents'][number];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const utc = (iso: string) => iso.replace('T', ' ').slice(0, 19);

/**
 * Imported sign-ins of the emergency accounts against the logged checkouts. On arrival it shows
 * the last import, the last recorded reconciliation, and the incidents as they stand now.
 */
export function SignInsScreen() {
  const { value: state, error: loadError } = useChannel('signins:state', {});
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
    if (!reply.ok) return setError(reply.error);
    setError(undefined);
    setMessage(`Reconciliation recorded as ledger entry ${reply.value.ledgerSeq}: ${plural(reply.value.incidents.length, 'incident')}.`);
  }

  const now = state?.now;
  return (
    <Screen
      id="signins"
      title="Sign-ins"
      intro="Every sign-in of an emergency account must fall inside a logged checkout; one outside is an incident, a drill checkout with no sign-in an incomplete drill."
      actions={
        <>
          <button type="button" className="secondary" onClick={() => void importFile()}>
            Import a sign-in export…
          </button>
          <button type="button" onClick={() => void reconcile()}>
            Reconcile with the checkouts
          </button>
        </>
      }
    >
      <p className="progress" role="status">
        {message}
      </p>
      {(error ?? loadError) && (
        <p className="form-error" role="alert">
          {(error ?? loadError)!.message}
        </p>
      )}
      {state && (
        <dl className="facts panel-facts" data-testid="signins-last">
          <dt>Last import</dt>
          <dd>{state.lastImport ? `${state.lastImport.file}: ${plural(state.lastImport.records, 'sign-in')} (${state.lastImport.added} new), ${formatLocalTime(state.lastImport.recordedAt)}, entry ${state.lastImport.seq}` : 'none yet'}</dd>
          <dt>Last reconciliation</dt>
          <dd>{state.lastReconciliation ? `${formatLocalTime(state.lastReconciliation.recordedAt)}, entry ${state.lastReconciliation.seq}: ${plural(state.lastReconciliation.incidents, 'incident')}` : 'never'}</dd>
        </dl>
      )}
      {now && (
        <p className={`banner ${now.incidents.length ? 'banner-bad' : 'banner-ok'}`} role={now.incidents.length ? 'alert' : 'status'}>
          As of now: {plural(now.incidents.length, 'incident')}; {plural(now.explained.length, 'sign-in')} explained by a checkout; {plural(now.incompleteDrills.length, 'incomplete drill')}; {plural(now.failedBursts.length, 'burst')} of failures.
        </p>
      )}
      <Panel id="signins-incidents" title="Incidents">
        <DataTable<SignIn>
          caption="Sign-ins of emergency accounts outside any logged checkout"
          rows={now?.incidents}
          rowKey={(s) => s.id}
          empty="No incidents."
          rowClass={() => 'row-critical'}
          columns={[
            { header: 'When (UTC)', cell: (s) => utc(s.createdAt) },
            { header: 'Account', cell: (s) => <Token value={s.upn || s.userId} /> },
            { header: 'App', cell: (s) => s.app },
            { header: 'IP', cell: (s) => <Token value={s.ip} /> },
            { header: 'Result', cell: (s) => (s.errorCode === 0 ? 'success' : `failed (${s.errorCode})`) },
          ]}
        />
      </Panel>
      <Panel id="signins-explained" title="Explained">
        <DataTable<State['now']['explained'][number]>
          caption="Sign-ins inside a checkout window"
          rows={now?.explained}
          rowKey={(e) => e.signIn.id}
          empty="None."
          columns={[
            { header: 'When (UTC)', cell: (e) => utc(e.signIn.createdAt) },
            { header: 'Account', cell: (e) => <Token value={e.signIn.upn || e.signIn.userId} /> },
            { header: 'Checkout entry', cell: (e) => e.checkoutSeq },
          ]}
        />
      </Panel>
    </Screen>
  );
}
