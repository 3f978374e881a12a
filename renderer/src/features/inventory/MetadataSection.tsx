import { useId, useState, type FormEvent } from 'react';
import type { ChannelResults, ReplyError } from '../../../../electron/common/channels';
import { Panel } from '../../components/Layout';
import { StatusChip } from '../../components/StatusChip';
import { Token } from '../../components/Token';
import { invoke } from '../../lib/ipc';
import { useFocusBack } from '../../lib/useFocusBack';

type Metadata = NonNullable<ChannelResults['metadata:state']>;

/**
 * The FIDO metadata the room holds, and its import from files brought on removable media: the
 * BLOB and the CRLs of its chain, verified offline against the pinned FIDO Alliance root.
 */
export function MetadataSection({ metadata, onImported }: { readonly metadata: Metadata | null | undefined; readonly onImported: (message: string) => void }) {
  const formId = useId();
  const [error, setError] = useState<ReplyError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submitButton = useFocusBack<HTMLButtonElement>(busy);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const path = String(data.get('path') ?? '').trim();
    const crls = String(data.get('crls') ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    setBusy(true);
    const reply = await invoke('metadata:import', { path: path || undefined, crls });
    setBusy(false);
    if (!reply.ok) {
      setError(reply.error);
      (form.elements.namedItem(reply.error.field === 'crl' ? 'crls' : 'path') as HTMLElement | null)?.focus();
      return;
    }
    setError(undefined);
    const { value } = reply;
    if (!value.imported) return;
    form.reset();
    const unchecked = value.notCheckedAgainstACrl?.length ? ` Not checked against a CRL: ${value.notCheckedAgainstACrl.join('; ')}.` : '';
    onImported(value.alreadyImported ? `${value.file} was imported before; nothing changed.` : `Imported FIDO metadata BLOB ${value.metadata?.no} from ${value.file}.${unchecked}`);
  }

  return (
    <Panel id="section-fido-metadata" title="FIDO metadata">
      <p>
        {metadata ? (
          <>
            BLOB {metadata.no}, {metadata.entries} FIDO2 models, signed by {metadata.signer}, imported {metadata.importedAt.slice(0, 10)}; next update {metadata.nextUpdate}{' '}
            {metadata.stale && <StatusChip tone="warning">past its next update</StatusChip>}
            <small className="expiry">
              SHA-256 <Token value={metadata.sha256} />
            </small>
          </>
        ) : (
          'No FIDO metadata imported: genuineness and model status are not checked.'
        )}
      </p>
      <form className="entity-form" aria-labelledby={`${formId}-title`} onSubmit={(e) => void submit(e)} noValidate>
        <h3 id={`${formId}-title`}>Import a metadata BLOB</h3>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="fields">
          <div className="field">
            <label htmlFor={`${formId}-path`}>BLOB file</label>
            <input id={`${formId}-path`} name="path" type="text" autoComplete="off" spellCheck={false} aria-describedby={`${formId}-path-hint`} />
            <small id={`${formId}-path-hint`} className="hint">
              blob.jwt on removable media; leave empty to choose it
            </small>
          </div>
          <div className="field">
            <label htmlFor={`${formId}-crls`}>CRL files</label>
            <textarea id={`${formId}-crls`} name="crls" rows={2} spellCheck={false} aria-describedby={`${formId}-crls-hint`} />
            <small id={`${formId}-crls-hint`} className="hint">
              one path a line: the CRLs of the BLOB&apos;s certificate chain, downloaded with it
            </small>
          </div>
        </div>
        <button ref={submitButton} type="submit" disabled={busy}>
          {busy ? 'Verifying…' : 'Import metadata'}
        </button>
      </form>
    </Panel>
  );
}
