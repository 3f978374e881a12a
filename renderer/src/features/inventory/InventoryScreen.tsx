import { useState, type ReactNode } from 'react';
import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { EntityForm } from '../../components/EntityForm';
import { Panel, Screen } from '../../components/Layout';
import { TaskDialog } from '../../components/TaskDialog';
import { Token } from '../../components/Token';
import { AuthenticatorList } from './AuthenticatorList';
import { MetadataSection } from './MetadataSection';
import { useChannel } from '../../lib/useChannel';

type Inventory = ChannelResults['inventory:overview'];

interface Props {
  readonly onSaved: (message: string) => void;
}

export function InventoryScreen({ onSaved }: Props) {
  // The accounts, custodians, places and seals, and how many items there are: the items themselves come a page at a time.
  const { value: inventory, error, reload } = useChannel('inventory:overview', {});
  const { value: metadata, reload: reloadMetadata } = useChannel('metadata:state', {});
  const [refresh, setRefresh] = useState(0);
  const saved = (message: string) => {
    void reload();
    void reloadMetadata();
    setRefresh((n) => n + 1);
    onSaved(message);
  };
  const none = { value: '', label: '— none —' };
  const placeOptions = [none, ...(inventory?.places ?? []).map((p) => ({ value: p.name, label: p.name }))];
  const accountOptions = [none, ...(inventory?.accounts ?? []).map((a) => ({ value: a.upn, label: a.upn }))];

  return (
    <Screen id="inventory" title="Inventory">
      {error && (
        <p className="form-error" role="alert">
          Could not load the inventory: {error.message}
        </p>
      )}

      <InventorySection
        title="Emergency accounts"
        add={
          <TaskDialog opener="Add an emergency account…" title="Add an emergency account">
            {(close) => (
              <EntityForm
                title="Add an emergency account"
                channel="account:add"
                submitLabel="Add account"
                onSaved={(m) => {
                  saved(m);
                  close();
                }}
                fields={[
                  { name: 'upn', label: 'User principal name', required: true, hint: 'e.g. bg1@contoso.onmicrosoft.com' },
                  { name: 'objectId', label: 'Entra object id', required: true, hint: 'the GUID shown in the Entra admin center' },
                  { name: 'label', label: 'Label' },
                ]}
              />
            )}
          </TaskDialog>
        }
      >
        <DataTable<Inventory['accounts'][number]>
          caption="Emergency access accounts"
          rows={inventory?.accounts}
          rowKey={(a) => a.id}
          empty="No emergency accounts yet. The guidance asks for at least two."
          columns={[
            { header: 'UPN', cell: (a) => <Token value={a.upn} /> },
            { header: 'Entra object id', cell: (a) => <Token value={a.objectId} /> },
            { header: 'Label', cell: (a) => a.label || '—' },
          ]}
        />
      </InventorySection>

      <InventorySection
        title="Authenticators"
        add={
          <TaskDialog opener="Add an authenticator…" title="Add an authenticator">
            {(close) => (
              <EntityForm
                title="Add an authenticator"
                channel="authenticator:add"
                submitLabel="Add authenticator"
                onSaved={(m) => {
                  saved(m);
                  close();
                }}
                fields={[
                  { name: 'kind', label: 'Kind', required: true, options: [{ value: 'fido2', label: 'FIDO2 security key' }, { value: 'smartcard', label: 'Smartcard' }] },
                  { name: 'label', label: 'Label', required: true, hint: 'as written on the key or card' },
                  { name: 'serial', label: 'Serial number' },
                  { name: 'place', label: 'Storage place', options: placeOptions },
                  { name: 'account', label: 'Emergency account', options: accountOptions },
                ]}
              />
            )}
          </TaskDialog>
        }
      >
        <AuthenticatorList counts={inventory?.authenticators} refresh={refresh} />
      </InventorySection>

      <MetadataSection metadata={metadata} onImported={saved} />

      <InventorySection
        title="Custodians"
        add={
          <TaskDialog opener="Add a custodian…" title="Add a custodian">
            {(close) => (
              <EntityForm
                title="Add a custodian"
                channel="custodian:add"
                submitLabel="Add custodian"
                onSaved={(m) => {
                  saved(m);
                  close();
                }}
                fields={[{ name: 'name', label: 'Full name', required: true }]}
              />
            )}
          </TaskDialog>
        }
      >
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
      </InventorySection>

      <InventorySection
        title="Storage places"
        add={
          <TaskDialog opener="Add a storage place…" title="Add a storage place">
            {(close) => (
              <EntityForm
                title="Add a storage place"
                channel="place:add"
                submitLabel="Add place"
                onSaved={(m) => {
                  saved(m);
                  close();
                }}
                fields={[
                  { name: 'name', label: 'Name', required: true },
                  { name: 'site', label: 'Site' },
                  { name: 'safe', label: 'Safe' },
                  { name: 'slot', label: 'Slot' },
                ]}
              />
            )}
          </TaskDialog>
        }
      >
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
      </InventorySection>

      <InventorySection
        title="Seals"
        add={
          <TaskDialog opener="Register a seal…" title="Register a seal">
            {(close) => (
              <EntityForm
                title="Register a seal"
                channel="seal:register"
                submitLabel="Register seal"
                onSaved={(m) => {
                  saved(m);
                  close();
                }}
                fields={[{ name: 'serial', label: 'Seal serial', required: true }]}
              />
            )}
          </TaskDialog>
        }
      >
        <DataTable<Inventory['seals'][number]>
          caption="Tamper-evident seal bags"
          rows={inventory?.seals}
          rowKey={(s) => s.id}
          empty="No seals registered yet."
          columns={[
            { header: 'Serial', cell: (s) => <Token value={s.serial} /> },
            { header: 'State', cell: (s) => s.state },
            { header: 'Holds', cell: (s) => s.holds ?? '—' },
            { header: 'Registered', cell: (s) => s.createdAt.slice(0, 10) },
          ]}
        />
      </InventorySection>
    </Screen>
  );
}

/** One list of the inventory, with its "Add …" action at the right of its title. */
function InventorySection({ title, add, children }: { readonly title: string; readonly add: ReactNode; readonly children: ReactNode }) {
  return (
    <Panel id={`section-${title.toLowerCase().replace(/\W+/g, '-')}`} title={title} actions={add}>
      {children}
    </Panel>
  );
}
