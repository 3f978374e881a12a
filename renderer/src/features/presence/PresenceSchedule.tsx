import type { ReactNode } from 'react';
import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel } from '../../components/Layout';
import { StatusChip, toneOf } from '../../components/StatusChip';
import { Token } from '../../components/Token';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';

type Item = ChannelResults['presence:schedule']['items'][number];

/** On arrival: every item a check covers, soonest due first, with its last check and when the next falls due. */
export function PresenceSchedule({ actions }: { readonly actions?: ReactNode }) {
  const { value: schedule } = useChannel('presence:schedule', {});
  return (
    <Panel id="presence-schedule" title={schedule ? `Last and next check (every ${schedule.intervalDays} days)` : 'Last and next check'} actions={actions}>
      <DataTable<Item>
        caption="Enrolled keys and smartcards, soonest due first"
        rows={schedule?.items}
        rowKey={(i) => i.id}
        empty="Nothing is enrolled yet: enrol a key or a smartcard."
        rowClass={(i) => (i.overdue && !i.drill ? 'row-critical' : undefined)}
        columns={[
          {
            header: 'Item',
            cell: (i) => (
              <>
                <Token value={i.label} />
                {i.drill ? ' (drill)' : ''}
                <small className="expiry">{i.kind === 'smartcard' ? 'Smartcard' : 'FIDO2 key'}</small>
              </>
            ),
          },
          {
            header: 'Last check',
            cell: (i) =>
              i.lastCheckedAt && i.lastResult ? (
                <>
                  <StatusChip tone={toneOf(i.lastResult)}>{i.lastResult.toUpperCase()}</StatusChip> {formatLocalTime(i.lastCheckedAt)}
                </>
              ) : (
                'never'
              ),
          },
          {
            header: 'Next check due',
            cell: (i) => (
              <>
                {formatLocalTime(i.nextDueAt)} {i.overdue && <StatusChip tone={i.drill ? 'neutral' : 'critical'}>OVERDUE</StatusChip>}
              </>
            ),
          },
        ]}
      />
    </Panel>
  );
}
