import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Columns, Panel, Screen } from '../../components/Layout';
import { TaskDialog } from '../../components/TaskDialog';
import { StatusChip } from '../../components/StatusChip';
import { invoke } from '../../lib/ipc';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';
import { CheckoutWizard } from './CheckoutWizard';
import { EnrolCustodian, enrolCustodianTitle } from './EnrolCustodian';
import { ItemHistory } from './ItemHistory';
import { ReturnFlow } from './ReturnFlow';

type Item = ChannelResults['custody:list'][number];

const when = (iso: string) => formatLocalTime(iso);

export function CustodyScreen() {
  const [drill, setDrill] = useState(false);
  const { value: custody } = useChannel('custody:list', {});
  const { value: inventory } = useChannel('inventory:overview', {});
  const { value: items } = useChannel('inventory:items', {});
  const open = (custody ?? []).filter((c) => c.returnedAt === null);
  const [countersignError, setCountersignError] = useState<ReplyError | undefined>(undefined);
  const activeNames = inventory?.custodians.filter((c) => c.active).map((c) => c.name) ?? [];
  // The circle of this mode: drill custodians hold drill keys, real custodians real ones.
  const circle = (inventory?.custodians ?? []).filter((c) => c.active && c.key === (drill ? 'drill' : 'real')).map((c) => c.name);
  const enrolTitle = enrolCustodianTitle(circle);

  async function countersignItem(event: FormEvent<HTMLFormElement>, item: Item) {
    event.preventDefault();
    const custodian = String(new FormData(event.currentTarget).get('countersigner') ?? '');
    const reply = await invoke('custody:countersign', { item: String(item.authenticatorId), custodian, simulated: drill });
    setCountersignError(reply.ok ? undefined : reply.error);
  }

  return (
    <Screen
      id="custody"
      title="Custody"
      actions={
        <label className="drill-switch">
          <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.currentTarget.checked)} />
          Drill mode — custodians approve with drill keys; entries are marked as drills
        </label>
      }
    >
      <Panel
        id="out"
        title="Currently out"
        actions={
          <>
            <TaskDialog opener="History of an item…" title="History of an item">
              {() => <ItemHistory custody={custody} authenticators={items ?? []} />}
            </TaskDialog>
            <TaskDialog opener={`${enrolTitle}…`} title={drill ? `${enrolTitle} (drill)` : enrolTitle}>
              {() => <EnrolCustodian drill={drill} custodians={circle} />}
            </TaskDialog>
          </>
        }
      >
        {countersignError && (
          <p className="form-error" role="alert">
            {countersignError.message}
          </p>
        )}
        <DataTable<Item>
          caption="Items out of the safe now"
          rows={custody && open}
          rowKey={(c) => c.id}
          empty="Everything is in the safe."
          rowClass={(c) => (c.overdue ? 'row-critical' : undefined)}
          columns={[
            { header: 'Item', cell: (c) => <span className="token item-label">{c.label}</span> },
            { header: 'Custodian', cell: (c) => c.custodian },
            { header: 'Witness', cell: (c) => c.witness ?? 'none' },
            { header: 'Reason', cell: (c) => `${c.reason}${c.ticket ? ` (${c.ticket})` : ''}` },
            { header: 'Out since', cell: (c) => when(c.checkedOutAt) },
            {
              header: 'Expected back',
              cell: (c) => (
                <>
                  {when(c.expectedReturnAt)} {c.overdue && <StatusChip tone="critical">OVERDUE</StatusChip>}
                </>
              ),
            },
            {
              header: 'Flags',
              cell: (c) =>
                c.awaitingCountersign ? (
                  <form className="countersign" aria-label={`Countersign ${c.label}`} onSubmit={(e) => void countersignItem(e, c)}>
                    <StatusChip tone="warning">NO WITNESS</StatusChip>
                    <select name="countersigner" aria-label="Second custodian" defaultValue="">
                      <option value="">— second custodian —</option>
                      {activeNames.map((n) => (
                        <option key={n}>{n}</option>
                      ))}
                    </select>
                    <button type="submit">Countersign</button>
                  </form>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Panel>

      <Columns>
        <CheckoutWizard drill={drill} items={items} custodians={inventory?.custodians} />
        <ReturnFlow drill={drill} open={open} custodians={activeNames} />
      </Columns>
    </Screen>
  );
}
