import type { PresentFinding } from '../../core/findings/judge';
import { certificationLevel, currentStatus, metadataConcerns, metadataStale, type KeyMetadata } from '../../core/metadata/metadata';
import { listAuthenticators } from '../../db/authenticators';
import { findFidoCredential } from '../../db/fido-credentials';
import { genuinenessByItem, metadataEntriesFor, newestBlob } from '../../db/metadata';
import type { Authenticator } from '../../core/inventory/inventory';
import type { Session } from '../ports';

/** Each enrolled FIDO2 key's model, certification level, metadata status and genuineness, by item id: of every item, or of `among` (a page of them). */
export function keyMetadata(session: Pick<Session, 'db'>, among?: readonly Authenticator[]): Map<number, KeyMetadata> {
  const { db } = session;
  const blob = newestBlob(db);
  const keys = (among ?? listAuthenticators(db)).flatMap((a) => {
    const credential = a.kind === 'fido2' && a.enrolled ? findFidoCredential(db, a.id) : undefined;
    return credential ? [{ id: a.id, aaguid: credential.aaguid, model: credential.model }] : [];
  });
  const entries = metadataEntriesFor(db, keys.map((k) => k.aaguid));
  const genuineness = genuinenessByItem(db);
  return new Map(
    keys.map((k) => {
      const entry = entries.get(k.aaguid);
      const none = blob ? 'not in the metadata' : 'no metadata imported';
      return [k.id, { model: entry?.description ?? k.model, certification: entry ? certificationLevel(entry) : none, status: entry ? currentStatus(entry) : none, genuineness: genuineness.get(k.id)?.text ?? 'genuineness not checked (enrolled before metadata was kept)' }];
    }),
  );
}

/**
 * Findings judged from the imported metadata as it stands: a key of a model the metadata reports
 * compromised or revoked (critical), a key whose firmware is below a version a status report says
 * fixes it (warning), a key two custodians accepted although it is not genuine (warning), and
 * metadata past its next-update date (notice).
 */
export function metadataFindings(session: Pick<Session, 'db'>, now: Date): PresentFinding[] {
  const { db } = session;
  const blob = newestBlob(db);
  const found: PresentFinding[] = [];
  if (blob && metadataStale(blob.nextUpdate, now)) {
    found.push({
      id: `metadata-stale:${blob.no}`, kind: 'metadata-stale', severity: 'notice', subject: { type: 'site', id: 'metadata', label: 'FIDO metadata' },
      since: `${blob.nextUpdate}T23:59:59.999Z`, drill: false, closure: 'condition', evidence: [blob.ledgerSeq],
      title: `FIDO metadata is older than its next update (${blob.nextUpdate})`,
      detail: `metadata BLOB ${blob.no}, imported ${blob.importedAt.slice(0, 10)}, was to be replaced by ${blob.nextUpdate}: newer revocations and status reports are not known here`,
      nextStep: 'Download the current BLOB and its CRLs on another machine and import them (keyward metadata import).',
    });
  }
  const items = listAuthenticators(db).filter((a) => a.kind === 'fido2' && a.enrolled && a.state !== 'retired' && a.state !== 'lost');
  const credentials = items.flatMap((a) => {
    const credential = findFidoCredential(db, a.id);
    return credential ? [{ item: a, credential }] : [];
  });
  const entries = metadataEntriesFor(db, credentials.map((c) => c.credential.aaguid));
  const genuineness = genuinenessByItem(db);
  for (const { item, credential } of credentials) {
    const subject = { type: 'authenticator' as const, id: String(item.id), label: item.label };
    const accepted = genuineness.get(item.id);
    if (accepted?.verdict === 'not_genuine') {
      found.push({
        id: `attestation-not-genuine:${item.id}`, kind: 'attestation-not-genuine', severity: 'warning', subject, since: item.createdAt, drill: item.simulated, closure: 'condition', evidence: [accepted.ledgerSeq],
        title: `${item.label}: attestation does not chain to the vendor's root`, detail: `${accepted.text}; two custodians accepted the key at enrolment (entry ${accepted.ledgerSeq})`,
        nextStep: 'Replace the key with one bought from the vendor, then retire this one.',
      });
    }
    const entry = entries.get(credential.aaguid);
    if (!entry || !blob) continue;
    const firmware = credential.known.firmwareVersion;
    const { compromise, updateBelow } = metadataConcerns(entry, firmware);
    if (compromise) {
      found.push({
        id: `metadata-compromised:${item.id}:${compromise.status}:${compromise.effectiveDate ?? 'undated'}`, kind: 'metadata-compromised', severity: 'critical', subject,
        since: compromise.effectiveDate ? `${compromise.effectiveDate}T00:00:00.000Z` : blob.importedAt, drill: item.simulated, closure: 'resolution', evidence: [blob.ledgerSeq],
        title: `${item.label}: the FIDO metadata reports ${entry.description} ${compromise.status}`,
        detail: `status report ${compromise.status}${compromise.effectiveDate ? ` of ${compromise.effectiveDate}` : ''}${compromise.authenticatorVersion !== null ? ` (authenticator version ${compromise.authenticatorVersion})` : ''} in metadata BLOB ${blob.no}; the key reports firmware ${firmware ?? 'unknown'}`,
        nextStep: 'Do not rely on this key for an emergency account: enrol a replacement of another model, then two custodians retire this one.',
      });
    }
    if (updateBelow) {
      found.push({
        id: `metadata-firmware:${item.id}:${updateBelow.authenticatorVersion}`, kind: 'metadata-firmware', severity: 'warning', subject,
        since: updateBelow.effectiveDate ? `${updateBelow.effectiveDate}T00:00:00.000Z` : blob.importedAt, drill: item.simulated, closure: 'condition', evidence: [blob.ledgerSeq],
        title: `${item.label}: firmware ${firmware} is below the fixed version ${updateBelow.authenticatorVersion}`,
        detail: `metadata BLOB ${blob.no} reports ${updateBelow.status}${updateBelow.effectiveDate ? ` of ${updateBelow.effectiveDate}` : ''} for ${entry.description}, fixed in authenticator version ${updateBelow.authenticatorVersion}`,
        nextStep: 'Security keys cannot usually be updated: plan a replacement with the fixed firmware.',
      });
    }
  }
  return found;
}

/** What a presence check (for the keys it checked) or a posture run (for every key) says of the metadata: each concern in words, most severe first. */
export function metadataFlags(session: Pick<Session, 'db'>, now: Date, authenticatorIds?: readonly number[]): { readonly severity: PresentFinding['severity']; readonly text: string }[] {
  const rank = { critical: 0, warning: 1, notice: 2 } as const;
  return metadataFindings(session, now)
    .filter((f) => f.kind === 'metadata-stale' || (f.subject.type === 'authenticator' && (authenticatorIds === undefined || authenticatorIds.includes(Number(f.subject.id)))))
    .map((f) => ({ severity: f.drill ? ('notice' as const) : f.severity, text: `${f.title}: ${f.detail}` }))
    .sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/**
 * What the FIDO metadata says of the FIDO2 keys among the items a presence check covered, and
 * whether any of it is critical: a revoked or compromised model is as grave as an anomaly.
 */
export function metadataOfCheckedKeys(session: Pick<Session, 'db' | 'clock'>, checked: readonly { readonly kind: string; readonly authenticatorId: number }[]) {
  const flags = metadataFlags(session, session.clock.now(), checked.filter((c) => c.kind === 'fido2').map((c) => c.authenticatorId));
  return { flags, critical: flags.some((m) => m.severity === 'critical') };
}
