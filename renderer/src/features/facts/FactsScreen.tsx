import { useState } from 'react';
import { DataTable } from '../../components/DataTable';
import { EntityForm, type FieldSpec } from '../../components/EntityForm';
import { Panel, Screen } from '../../components/Layout';
import { useChannel } from '../../lib/useChannel';
import { EntraImportForm } from './EntraImportForm';
import { AlertQueries } from './AlertQueries';
import { PlaceAccess } from './PlaceAccess';

const UNCHANGED = { value: '', label: '— unchanged —' };
const yesNo = (name: string, label: string): FieldSpec => ({ name, label, options: [UNCHANGED, { value: 'yes', label: 'yes' }, { value: 'no', label: 'no' }, { value: 'unknown', label: 'unknown' }] });
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');

/**
 * The evidence behind the posture rules: Entra's own exports imported, the facts recorded by
 * hand with when, who can open each storage place, the alert queries to copy into Log Analytics, and a change of the Entra
 * subscriptions (a validation falls due at once). Every form goes through the same use cases as
 * the command line.
 */
export function FactsScreen({ onSaved }: { readonly onSaved?: (summary: string) => void }) {
  const { value: facts } = useChannel('facts:get', {});
  const [said, setSaid] = useState('');
  const saved = (summary: string) => {
    setSaid(summary);
    onSaved?.(summary);
  };
  const accounts = facts?.accounts ?? [];

  return (
    <Screen id="facts" title="Facts and evidence" intro="Posture is judged on Entra's own exports first; facts recorded here count where no export answers, and go stale after the evidence interval.">
      {said && (
        <p className="banner banner-ok" role="status">
          {said}
        </p>
      )}
      <Panel id="facts-imports" title="Evidence imported from Entra">
        <EntraImportForm onImported={saved} />
        <DataTable
          caption="Entra imports, newest first"
          rows={facts?.imports ?? []}
          rowKey={(i) => String(i.seq)}
          empty="Nothing imported yet."
          columns={[
            { header: 'Recorded', cell: (i) => day(i.recordedAt) },
            { header: 'File', cell: (i) => i.file },
            { header: 'Export', cell: (i) => i.kind },
            { header: 'What it holds', cell: (i) => i.summary },
            { header: 'Entry', cell: (i) => i.seq },
          ]}
        />
      </Panel>
      <Panel id="facts-accounts" title="Facts about an account, recorded by hand">
        <DataTable
          caption="Facts recorded by hand about each account"
          rows={accounts}
          rowKey={(a) => a.upn}
          empty="No emergency accounts yet."
          columns={[
            { header: 'Account', cell: (a) => a.upn },
            { header: 'Cloud-only', cell: (a) => a.cloudOnly },
            { header: 'Global Administrator', cell: (a) => a.globalAdmin },
            { header: 'Excluded from CA', cell: (a) => a.caExcluded },
            { header: 'Per-user MFA', cell: (a) => a.perUserMfa },
            { header: 'Recorded', cell: (a) => day(a.recordedAt) },
          ]}
        />
        <EntityForm
          title="Record facts about an account"
          channel="facts:account"
          submitLabel="Record the facts"
          onSaved={() => saved('Facts about the account recorded.')}
          fields={[
            { name: 'upn', label: 'Account', required: true, options: accounts.map((a) => ({ value: a.upn, label: a.upn })) },
            yesNo('cloudOnly', 'Cloud-only'),
            { name: 'globalAdmin', label: 'Global Administrator', options: [UNCHANGED, ...['permanent', 'eligible', 'none', 'unknown'].map((v) => ({ value: v, label: v }))] },
            yesNo('caExcluded', 'Excluded from every Conditional Access policy'),
            yesNo('phoneMfa', 'Phone-based MFA registered'),
            yesNo('perUserMfa', 'Per-user MFA on'),
            yesNo('personalMethods', 'A personal phone or key registered'),
          ]}
        />
      </Panel>
      <Panel id="facts-organisation" title="Facts about the organisation">
        <p>
          Sign-in monitoring: <strong>{facts?.organisation.signInMonitoring ?? '…'}</strong>; Conditional Access stance: <strong>{facts?.organisation.caStance ?? '…'}</strong>; evidence interval:{' '}
          <strong>{facts?.organisation.evidenceIntervalDays ?? '…'} days</strong>; recorded {day(facts?.organisation.recordedAt ?? null)}.
        </p>
        <EntityForm
          title="Record the organisation's facts"
          channel="facts:organisation"
          submitLabel="Record the facts"
          onSaved={() => saved("The organisation's facts recorded.")}
          fields={[
            yesNo('signInMonitoring', 'Sign-in monitoring configured'),
            { name: 'caStance', label: 'Conditional Access stance', options: [UNCHANGED, { value: 'exclude', label: 'exclude the accounts' }, { value: 'phishing-resistant', label: 'phishing-resistant authentication' }] },
            { name: 'adminMechanism', label: "Normal administrators' mechanism", hint: 'for the record; the mechanism rule reads the imported methods' },
            { name: 'evidenceIntervalDays', label: 'Evidence interval (days)', hint: 'older facts and imports leave their rule stale (default 90)' },
            { name: 'expiryWindowDays', label: 'Certificate expiry window (days)' },
            { name: 'checkIntervalDays', label: 'Check interval (days)' },
          ]}
        />
      </Panel>
      <Panel id="facts-place-access" title="Access to the storage places">
        <PlaceAccess onSaved={saved} />
      </Panel>
      <Panel id="facts-kql" title="Alert queries for Log Analytics">
        <AlertQueries />
      </Panel>
      <Panel id="facts-subscriptions" title="A change of the Entra subscriptions">
        <EntityForm
          title="Record a subscription change"
          channel="validation:subscription-change"
          submitLabel="Record the change"
          onSaved={() => saved('Subscription change recorded: a validation is due.')}
          fields={[{ name: 'note', label: 'What changed', required: true }]}
        />
      </Panel>
    </Screen>
  );
}
