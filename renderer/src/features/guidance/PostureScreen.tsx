import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel, Screen } from '../../components/Layout';
import { StatusChip, type Tone } from '../../components/StatusChip';
import { useChannel } from '../../lib/useChannel';

type Rule = ChannelResults['posture:get'][number];
type Result = Rule['result'];
const LABEL: Record<Result, string> = { pass: 'PASS', warn: 'WARN', stale: 'STALE', fail: 'FAIL', unknown: 'UNKNOWN' };
const TONE: Record<Result, Tone> = { pass: 'ok', warn: 'warning', stale: 'warning', fail: 'critical', unknown: 'neutral' };
/** Failures first, then what needs facts or fresh evidence, then warnings; passes last. */
const ORDER: Record<Result, number> = { fail: 0, stale: 1, unknown: 2, warn: 3, pass: 4 };

/** Every rule of the guidance with its result, its evidence and the sentence it enforces; failures first and named. */
export function PostureScreen() {
  const { value: rules } = useChannel('posture:get', {});
  const sorted = rules && [...rules].sort((a, b) => ORDER[a.result] - ORDER[b.result]);
  const failed = rules?.filter((r) => r.result === 'fail') ?? [];
  const count = (result: Result) => rules?.filter((r) => r.result === result).length ?? 0;
  return (
    <Screen id="posture" title="Posture against the guidance">
      {rules && (
        <div className={`banner ${failed.length ? 'banner-bad' : 'banner-ok'}`} role={failed.length ? 'alert' : 'status'}>
          {failed.length ? (
            <>
              <strong>
                {failed.length} {failed.length === 1 ? 'rule fails' : 'rules fail'}:
              </strong>
              <ul className="banner-list">
                {failed.map((r) => (
                  <li key={r.id}>{r.title}</li>
                ))}
              </ul>
            </>
          ) : (
            <strong>No rule fails.</strong>
          )}
          {(count('stale') > 0 || count('unknown') > 0 || count('warn') > 0) && (
            <p className="banner-next">
              {[count('stale') && `${count('stale')} rest on evidence older than the organisation's interval`, count('unknown') && `${count('unknown')} cannot be judged until their facts are recorded or imported`, count('warn') && `${count('warn')} warn of something about to lapse`].filter(Boolean).join('; ')}.
            </p>
          )}
        </div>
      )}
      <Panel id="posture-rules" title="Rules">
        <DataTable<Rule>
          caption="Facts come from what custodians record and from imported Entra exports"
          rows={sorted}
          rowKey={(r) => r.id}
          empty="No rules."
          rowClass={(r) => (r.result === 'fail' ? 'row-critical' : undefined)}
          columns={[
            { header: 'Result', cell: (r) => <StatusChip tone={TONE[r.result]}>{LABEL[r.result]}</StatusChip> },
            { header: 'Rule', cell: (r) => r.title },
            { header: 'Evidence', cell: (r) => <span className="payload">{r.evidence}</span> },
            { header: 'Guidance', cell: (r) => <q className="guidance">{r.guidance}</q> },
          ]}
        />
      </Panel>
    </Screen>
  );
}
