import type { ChannelResults } from '../../../../electron/common/channels';
import { DataTable } from '../../components/DataTable';
import { Pager, usePage } from '../../components/Pager';
import { StatusChip, toneOf } from '../../components/StatusChip';
import { Token } from '../../components/Token';
import { STATE_LABELS } from '../../lib/format';

type Authenticator = ChannelResults['inventory:authenticators']['authenticators'][number];

const PAGE_SIZE = 50;

/** A list of keys and smartcards held whole (an auditor's site), shown fifty to a page. */
export function AuthenticatorTable({ authenticators }: { readonly authenticators: readonly Authenticator[] | undefined }) {
  const { page, pager } = usePage(authenticators, PAGE_SIZE);
  return (
    <>
      <AuthenticatorRows authenticators={page} empty="No authenticators yet." />
      <Pager label="Authenticators" {...pager} />
    </>
  );
}

/** Keys and smartcards (a page of them): where each is, for which account, and how its last check went. */
export function AuthenticatorRows({ authenticators, empty }: { readonly authenticators: readonly Authenticator[] | undefined; readonly empty: string }) {
  return (
    <DataTable<Authenticator>
      caption="FIDO2 keys and smartcards"
      rows={authenticators}
      rowKey={(k) => k.id}
      empty={empty}
      columns={[
        {
          header: 'Label',
          cell: (k) => (
            <>
              <Token value={k.label} />
              {k.simulated ? ' (drill)' : ''}
              <small className="expiry">
                {k.kind === 'fido2' ? 'FIDO2 key' : 'Smartcard'}: {k.model ?? 'not enrolled'}
              </small>
              {k.kind === 'smartcard' && k.expiresAt && <small className="expiry">certificate expires {k.expiresAt.slice(0, 10)}</small>}
              {k.metadata && (
                <small className="expiry">
                  {k.metadata.model}: {k.metadata.certification}, metadata status {k.metadata.status}; {k.metadata.genuineness}
                </small>
              )}
              {k.notes.map((note) => (
                <small key={note} className="expiry">
                  {note}
                </small>
              ))}
            </>
          ),
        },
        { header: 'State', cell: (k) => <StatusChip tone={toneOf(k.state)}>{STATE_LABELS[k.state] ?? k.state}</StatusChip> },
        { header: 'Place', cell: (k) => k.placeName ?? '—' },
        { header: 'Account', cell: (k) => (k.accountUpn ? <Token value={k.accountUpn} /> : '—') },
        { header: 'Serial', cell: (k) => (k.serial ? <Token value={k.serial} /> : '—') },
        {
          header: 'Last check',
          cell: (k) =>
            k.lastCheckedAt && k.lastResult ? (
              <>
                <StatusChip tone={toneOf(k.lastResult)}>{k.lastResult.toUpperCase()}</StatusChip>
                <small className="expiry">{k.lastCheckedAt.slice(0, 10)}</small>
              </>
            ) : (
              'never'
            ),
        },
      ]}
    />
  );
}
