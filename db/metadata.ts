import type { ImportedMetadataView, MetadataBlobPayload, MetadataEntry, MetadataStatusReport } from '../core/metadata/metadata';
import type { KeywardDatabase } from './connection';

/** One imported BLOB as the ledger recorded it: what screens show of it, less the staleness judged now. */
export interface ImportedBlob extends Omit<ImportedMetadataView, 'stale'> {
  readonly ledgerSeq: number;
}

/** The newest BLOB imported, if any: its serial number is the floor below which a BLOB is a rollback. */
export function newestBlob(db: KeywardDatabase): ImportedBlob | undefined {
  return db
    .prepare('SELECT no, next_update AS nextUpdate, sha256, signer, entries, imported_at AS importedAt, ledger_seq AS ledgerSeq FROM metadata_blobs ORDER BY no DESC LIMIT 1')
    .get() as ImportedBlob | undefined;
}

/** Records a BLOB and makes its statements the ones Keyward reads (the older BLOB's statements are replaced). */
export function storeBlob(db: KeywardDatabase, blob: Omit<ImportedBlob, 'entries'>, payload: MetadataBlobPayload): void {
  db.prepare('INSERT INTO metadata_blobs (no, next_update, sha256, signer, entries, imported_at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    blob.no,
    blob.nextUpdate,
    blob.sha256,
    blob.signer,
    payload.entries.length,
    blob.importedAt,
    blob.ledgerSeq,
  );
  db.prepare('DELETE FROM metadata_entries').run();
  const insert = db.prepare('INSERT INTO metadata_entries (aaguid, description, authenticator_version, attestation_roots, status_reports, blob_no) VALUES (?, ?, ?, ?, ?, ?)');
  for (const e of payload.entries) insert.run(e.aaguid, e.description, e.authenticatorVersion, JSON.stringify(e.attestationRootCertificates), JSON.stringify(e.statusReports), blob.no);
}

interface EntryRow {
  aaguid: string;
  description: string;
  authenticatorVersion: number | null;
  roots: string;
  reports: string;
}
const SELECT_ENTRY = 'SELECT aaguid, description, authenticator_version AS authenticatorVersion, attestation_roots AS roots, status_reports AS reports FROM metadata_entries';
const toEntry = (row: EntryRow): MetadataEntry => ({
  aaguid: row.aaguid,
  description: row.description,
  authenticatorVersion: row.authenticatorVersion,
  attestationRootCertificates: JSON.parse(row.roots) as string[],
  statusReports: JSON.parse(row.reports) as MetadataStatusReport[],
});

export function findMetadataEntry(db: KeywardDatabase, aaguid: string): MetadataEntry | undefined {
  const row = db.prepare(`${SELECT_ENTRY} WHERE aaguid = ?`).get(aaguid.toLowerCase()) as EntryRow | undefined;
  return row && toEntry(row);
}

/** The statements for these AAGUIDs, by AAGUID (for lists: one query). */
export function metadataEntriesFor(db: KeywardDatabase, aaguids: readonly string[]): Map<string, MetadataEntry> {
  const wanted = [...new Set(aaguids.map((a) => a.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const rows = db.prepare(`${SELECT_ENTRY} WHERE aaguid IN (${wanted.map(() => '?').join(', ')})`).all(...wanted) as EntryRow[];
  return new Map(rows.map((r) => [r.aaguid, toEntry(r)]));
}

export type GenuinenessVerdict = 'genuine' | 'not_genuine' | 'unlisted' | 'unchecked';

export interface Genuineness {
  readonly verdict: GenuinenessVerdict;
  /** In words: "genuine YubiKey 5 Series", "genuineness not checked (no metadata)". */
  readonly text: string;
  readonly blobNo: number | null;
}

export function recordGenuineness(db: KeywardDatabase, authenticatorId: number, genuineness: Genuineness, ledgerSeq: number): void {
  db.prepare('INSERT OR REPLACE INTO authenticator_genuineness (authenticator_id, verdict, text, blob_no, ledger_seq) VALUES (?, ?, ?, ?, ?)').run(
    authenticatorId,
    genuineness.verdict,
    genuineness.text,
    genuineness.blobNo,
    ledgerSeq,
  );
}

/** Each enrolled key's genuineness, by item id. */
export function genuinenessByItem(db: KeywardDatabase): Map<number, Genuineness & { readonly ledgerSeq: number }> {
  const rows = db.prepare('SELECT authenticator_id AS id, verdict, text, blob_no AS blobNo, ledger_seq AS ledgerSeq FROM authenticator_genuineness').all() as (Genuineness & { id: number; ledgerSeq: number })[];
  return new Map(rows.map(({ id, ...g }) => [id, g]));
}
