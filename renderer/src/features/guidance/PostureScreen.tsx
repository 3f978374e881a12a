import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { useChannel } from '../../lib/useChannel';

type Rule = ChannelResults['posture:get'][number];
const LABEL = { pass: 'PASS', warn: 'WARN', stale: 'STALE', fail: 'FAIL', unknown: 'UNKNOWN' } as const;
const CLASS = { pass: 'result-ok', warn: 'result-anomaly', stale: 'result-anomaly', fail: 'result-missing', unknown: 'result-anomaly' } as const;

/** Every rule of the guidance with its result, its evidence and the sentence it enforces. */
export function PostureScreen() {
  const { value: rules } = useChannel('posture:get', {});
  const failed = rules?.filter((r) => r.result === 'fail').length ?? 0;
  const unknown = rules?.filter((r) => r.result === 'unknown').length ?? 0;
  const warned = rules?.filter((r) => r.result === 'warn').length ?? 0;
  return (
    <section aria-labelledby="posture-title" className="screen">
      <h2 id="posture-title">Posture against the guidance</h2>
      {rules && (
        <p className={`banner ${failed ? 'banner-bad' : 'banner-ok'}`} role={failed ? 'alert' : 'status'}>
          {failed ? `${failed} rule(s) fail` : 'No rule fails'}
          {warned ? `; ${warned} warn of something about to lapse` : ''}
          {unknown ? `; ${unknown} cannot be judged until their facts are recorded or imported` : ''}.
        </p>
      )}
      <DataTable<Rule>
        caption="Facts come from what custodians record (keyward account facts, org facts) and from imported Entra exports (keyward import entra)"
        rows={rules}
        rowKey={(r) => r.id}
        empty="No rules."
        columns={[
          { header: 'Result', cell: (r) => <span className={`state ${CLASS[r.result]}`}>{LABEL[r.result]}</span> },
          { header: 'Rule', cell: (r) => r.title },
          { header: 'Evidence', cell: (r) => <span className="payload">{r.evidence}</span> },
          { header: 'Guidance', cell: (r) => <q className="guidance">{r.guidance}</q> },
        ]}
      />
    </section>
  );
}
