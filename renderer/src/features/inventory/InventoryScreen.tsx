import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { EntityForm } from '../../components/EntityForm';
import { STATE_LABELS } from '../../lib/format';
import { useChannel } from '../../lib/useChannel';

type Inventory = ChannelResults['inventory:list'];

interface Props {
  readonly onSaved: (message: string) => void;
}

export function InventoryScreen({ onSaved }: Props) {
  const { value: inventory, error, reload } = useChannel('inventory:list', {});
  const saved = (message: string) => {
    void reload();
    onSaved(message);
  };
  const none = { value: '', label: '— none —' };
  const placeOptions = [none, ...(inventory?.places ?? []).map((p) => ({ value: p.name, label: p.name }))];
  const accountOptions = [none, ...(inventory?.accounts ?? []).map((a) => ({ value: a.upn, label: a.upn }))];

  return (
    <section aria-labelledby="inventory-title" className="screen">
      <h2 id="inventory-title">Inventory</h2>
      {error && (
        <p className="form-error" role="alert">
          Could not load the inventory: {error.message}
        </p>
      )}

      <InventorySection title="Emergency accounts">
        <DataTable<Inventory['accounts'][number]>
          caption="Emergency access accounts"
          rows={inventory?.accounts}
          rowKey={(a) => a.id}
          empty="No emergency accounts yet. The guidance asks for at least two."
          columns={[
            { header: 'UPN', cell: (a) => a.upn },
            { header: 'Entra object id', cell: (a) => <code>{a.objectId}</code> },
            { header: 'Label', cell: (a) => a.label || '—' },
          ]}
        />
        <EntityForm
          title="Add an emergency account"
          channel="account:add"
          submitLabel="Add account"
          onSaved={saved}
          fields={[
            { name: 'upn', label: 'User principal name', required: true, hint: 'e.g. bg1@contoso.onmicrosoft.com' },
            { name: 'objectId', label: 'Entra object id', required: true, hint: 'the GUID shown in the Entra admin center' },
            { name: 'label', label: 'Label' },
          ]}
        />
      </InventorySection>

      <InventorySection title="Authenticators">
        <DataTable<Inventory['authenticators'][number]>
          caption="FIDO2 keys and smartcards"
          rows={inventory?.authenticators}
          rowKey={(k) => k.id}
          empty="No authenticators yet."
          columns={[
            { header: 'Label', cell: (k) => `${k.label}${k.simulated ? ' (drill)' : ''}` },
            { header: 'Kind', cell: (k) => (k.kind === 'fido2' ? 'FIDO2 key' : 'Smartcard') },
            { header: 'State', cell: (k) => <span className={`state state-${k.state}`}>{STATE_LABELS[k.state] ?? k.state}</span> },
            { header: 'Place', cell: (k) => k.placeName ?? '—' },
            { header: 'Account', cell: (k) => k.accountUpn ?? '—' },
            { header: 'Serial', cell: (k) => (k.serial ? <span className="serial" title={k.serial}>{k.serial}</span> : '—') },
            {
              header: 'Model',
              cell: (k) => (
                <>
                  {k.model ?? 'not enrolled'}
                  {k.kind === 'smartcard' && k.expiresAt && <small className="expiry">certificate expires {k.expiresAt.slice(0, 10)}</small>}
                </>
              ),
            },
            {
              header: 'Last check',
              cell: (k) =>
                k.lastCheckedAt ? (
                  <span className={`state result-${k.lastResult}`} title={k.lastCheckedAt}>
                    {k.lastResult?.toUpperCase()} {k.lastCheckedAt.slice(0, 10)}
                  </span>
                ) : (
                  'never'
                ),
            },
          ]}
        />
        <EntityForm
          title="Add an authenticator"
          channel="authenticator:add"
          submitLabel="Add authenticator"
          onSaved={saved}
          fields={[
            { name: 'kind', label: 'Kind', required: true, options: [{ value: 'fido2', label: 'FIDO2 security key' }, { value: 'smartcard', label: 'Smartcard' }] },
            { name: 'label', label: 'Label', required: true, hint: 'as written on the key or card' },
            { name: 'serial', label: 'Serial number' },
            { name: 'place', label: 'Storage place', options: placeOptions },
            { name: 'account', label: 'Emergency account', options: accountOptions },
          ]}
        />
      </InventorySection>

      <InventorySection title="Custodians">
        <DataTable<Inventory['custodians'][number]>
          caption="Custodians (named people)"
          rows={inventory?.custodians}
          rowKey={(c) => c.id}
          empty="No custodians yet. Dual control needs at least two."
          columns={[
            { header: 'Name', cell: (c) => c.name },
            { header: 'Status', cell: (c) => (c.active ? 'Active' : 'Deactivated') },
            { header: 'Since', cell: (c) => c.createdAt.slice(0, 10) },
          ]}
        />
        <EntityForm title="Add a custodian" channel="custodian:add" submitLabel="Add custodian" onSaved={saved} fields={[{ name: 'name', label: 'Full name', required: true }]} />
      </InventorySection>

      <InventorySection title="Storage places">
        <DataTable<Inventory['places'][number]>
          caption="Where authenticators are kept"
          rows={inventory?.places}
          rowKey={(p) => p.id}
          empty="No storage places yet."
          columns={[
            { header: 'Name', cell: (p) => p.name },
            { header: 'Site', cell: (p) => p.site || '—' },
            { header: 'Safe', cell: (p) => p.safe || '—' },
            { header: 'Slot', cell: (p) => p.slot || '—' },
          ]}
        />
        <EntityForm
          title="Add a storage place"
          channel="place:add"
          submitLabel="Add place"
          onSaved={saved}
          fields={[
            { name: 'name', label: 'Name', required: true },
            { name: 'site', label: 'Site' },
            { name: 'safe', label: 'Safe' },
            { name: 'slot', label: 'Slot' },
          ]}
        />
      </InventorySection>

      <InventorySection title="Seals">
        <DataTable<Inventory['seals'][number]>
          caption="Tamper-evident seal bags"
          rows={inventory?.seals}
          rowKey={(s) => s.id}
          empty="No seals registered yet."
          columns={[
            { header: 'Serial', cell: (s) => <code>{s.serial}</code> },
            { header: 'State', cell: (s) => s.state },
            { header: 'Holds', cell: (s) => s.holds ?? '—' },
            { header: 'Registered', cell: (s) => s.createdAt.slice(0, 10) },
          ]}
        />
        <EntityForm title="Register a seal" channel="seal:register" submitLabel="Register seal" onSaved={saved} fields={[{ name: 'serial', label: 'Seal serial', required: true }]} />
      </InventorySection>
    </section>
  );
}

function InventorySection({ title, children }: { readonly title: string; readonly children: React.ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="inventory-section" aria-labelledby={id}>
      <h3 id={id} className="section-title">
        {title}
      </h3>
      <div className="section-body">{children}</div>
    </section>
  );
}
