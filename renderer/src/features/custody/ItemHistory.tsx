import { useState } from 'react';
import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { formatLocalTime } from '../../lib/format';

type Item = ChannelResults['custody:list'][number];
type Authenticator = ChannelResults['inventory:items'][number];

/** Every checkout and return of one item, newest last, with who took it, the seals and when it came back. */
export function ItemHistory({ custody, authenticators }: { readonly custody: readonly Item[] | undefined; readonly authenticators: readonly Authenticator[] }) {
  const [historyOf, setHistoryOf] = useState('');
  const when = (iso: string) => formatLocalTime(iso);
  return (
    <>
      <div className="field narrow">
        <label htmlFor="history-item">Item</label>
        <select id="history-item" value={historyOf} onChange={(e) => setHistoryOf(e.currentTarget.value)}>
          <option value="">— choose —</option>
          {authenticators.map((a) => (
            <option key={a.id} value={String(a.id)}>
              {a.label}
              {a.simulated ? ' (drill)' : ''}
            </option>
          ))}
        </select>
      </div>
      {historyOf && (
        <DataTable<Item>
          caption="Checkouts and returns of this item"
          rows={custody?.filter((c) => String(c.authenticatorId) === historyOf)}
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
    </>
  );
}
