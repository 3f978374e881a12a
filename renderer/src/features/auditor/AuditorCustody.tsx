import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Panel } from '../../components/Layout';
import { StatusChip } from '../../components/StatusChip';
import { formatLocalTime } from '../../lib/format';
import { AuthenticatorTable } from '../inventory/AuthenticatorTable';

type Judgement = NonNullable<ChannelResults['auditor:site']['judgement']>;
type Checkout = Judgement['custody'][number];

/** The site's keys and smartcards as its ledger defines them, what is out of the safe (with whom, since when, overdue), and every checkout. */
export function AuditorCustody({ judgement }: { readonly judgement: Judgement | undefined }) {
  const out = judgement?.custody.filter((c) => c.returnedAt === null);
  const when = (iso: string) => <time dateTime={iso}>{formatLocalTime(iso)}</time>;
  return (
    <>
      <Panel id="auditor-out" title="Out of the safe">
        <DataTable<Checkout>
          caption="Items out of the safe when the bundle was made"
          rows={out}
          rowKey={(c) => c.id}
          empty="Every item was in the safe."
          rowClass={(c) => (c.overdue ? 'row-critical' : undefined)}
          columns={[
            { header: 'Item', cell: (c) => <span className="token item-label">{c.label}</span> },
            { header: 'With', cell: (c) => `${c.custodian}${c.witness ? ` (witness ${c.witness})` : ' (no witness)'}` },
            { header: 'Since', cell: (c) => <>{when(c.checkedOutAt)} (entry {c.checkoutSeq})</> },
            { header: 'Expected back', cell: (c) => when(c.expectedReturnAt) },
            { header: 'State', cell: (c) => (c.overdue ? <StatusChip tone="critical">Overdue</StatusChip> : c.awaitingCountersign ? <StatusChip tone="warning">Awaits countersignature</StatusChip> : <StatusChip tone="ok">Out</StatusChip>) },
            { header: 'Reason', cell: (c) => `${c.reason}${c.ticket ? `, ${c.ticket}` : ''}` },
          ]}
        />
      </Panel>
      <Panel id="auditor-inventory" title="Keys and smartcards">
        <AuthenticatorTable authenticators={judgement?.authenticators} />
      </Panel>
      <Panel id="auditor-history" title="Every checkout">
        <DataTable<Checkout>
          caption="Checkouts and returns, newest first"
          rows={judgement?.custody}
          rowKey={(c) => c.id}
          empty="No item has left the safe."
          columns={[
            { header: 'Item', cell: (c) => <span className="token item-label">{c.label}</span> },
            { header: 'Out', cell: (c) => <>{when(c.checkedOutAt)} (entry {c.checkoutSeq})</> },
            { header: 'By', cell: (c) => `${c.custodian}${c.witness ? ` / ${c.witness}` : ' / no witness'}` },
            { header: 'Seal broken', cell: (c) => `${c.brokenSeal}${c.sealIntact ? '' : ' (was not intact)'}` },
            { header: 'Back', cell: (c) => (c.returnedAt ? <>{when(c.returnedAt)} under {c.returnSeal}</> : 'still out') },
          ]}
        />
      </Panel>
    </>
  );
}
