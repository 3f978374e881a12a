import { useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Columns, Panel, Screen } from '../../components/Layout';
import { StatusChip } from '../../components/StatusChip';
import { invoke } from '../../lib/ipc';
import { formatLocalTime } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';
import { CheckoutWizard } from './CheckoutWizard';
import { EnrolCustodian } from './EnrolCustodian';
import { ReturnFlow } from './ReturnFlow';

type Item = ChannelResults['custody:list'][number];

const when = (iso: string) => formatLocalTime(iso);

export function CustodyScreen() {
  const [drill, setDrill] = useState(false);
  const { value: custody } = useChannel('custody:list', {});
  const { value: inventory } = useChannel('inventory:list', {});
  const [historyOf, setHistoryOf] = useState('');
  const open = (custody ?? []).filter((c) => c.returnedAt === null);
  const [countersignError, setCountersignError] = useState<ReplyError | undefined>(undefined);
  const activeNames = inventory?.custodians.filter((c) => c.active).map((c) => c.name) ?? [];

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
      <Panel id="out" title="Currently out">
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
            { header: 'Item', cell: (c) => <span className="token">{c.label}</span> },
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
        <CheckoutWizard drill={drill} inventory={inventory} />
        <ReturnFlow drill={drill} open={open} custodians={activeNames} />
      </Columns>

      <Panel id="history" title="History of an item">
        <div className="field narrow">
          <label htmlFor="history-item">Item</label>
          <select id="history-item" value={historyOf} onChange={(e) => setHistoryOf(e.currentTarget.value)}>
            <option value="">— choose —</option>
            {(inventory?.authenticators ?? []).map((a) => (
              <option key={a.id} value={String(a.id)}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        {historyOf && (
          <DataTable<Item>
            caption="Checkouts and returns of this item"
            rows={(custody ?? []).filter((c) => String(c.authenticatorId) === historyOf)}
            rowKey={(c) => c.id}
            empty="This item has never left the safe."
            columns={[
              { header: 'Out', cell: (c) => `${when(c.checkedOutAt)} (entry ${c.checkoutSeq})` },
              { header: 'By', cell: (c) => `${c.custodian}${c.witness ? ` / ${c.witness}` : ' / no witness'}` },
              { header: 'Seal broken', cell: (c) => `${c.brokenSeal}${c.sealIntact ? '' : ' (was tampered)'}` },
              { header: 'Back', cell: (c) => (c.returnedAt ? `${when(c.returnedAt)} under ${c.returnSeal}` : 'still out') },
            ]}
          />
        )}
      </Panel>

      <EnrolCustodian drill={drill} custodians={(inventory?.custodians ?? []).filter((c) => c.active && c.key === (drill ? 'drill' : 'real')).map((c) => c.name)} />
    </Screen>
  );
}
