import { hash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { KeywardError } from '../../core/errors';
import { metadataStale, parseBlobPayload, type ImportedMetadataView } from '../../core/metadata/metadata';
import { appendEntry } from '../../db/ledger';
import { newestBlob, storeBlob } from '../../db/metadata';
import { recorded, type Session } from '../ports';
import { verifyMetadataBlob, type CheckedCrl, type CrlFile } from './blob-verification';
import { FIDO_MDS_ROOT_PEM } from './fido-root';

/** The BLOB is a few megabytes today; far more is not a BLOB. */
const MAX_BLOB_BYTES = 64 * 1024 * 1024;
const MAX_CRL_BYTES = 16 * 1024 * 1024;

export interface MetadataImportInput {
  readonly file?: unknown;
  readonly crls?: unknown;
}

export interface MetadataImportResult {
  readonly file: string;
  readonly no: number;
  readonly nextUpdate: string;
  readonly sha256: string;
  readonly signer: string;
  readonly entries: number;
  readonly crls: readonly CheckedCrl[];
  readonly notCheckedAgainstACrl: readonly string[];
  /** Past its nextUpdate already: imported, and a notice until a newer BLOB is imported. */
  readonly stale: boolean;
  /** The same BLOB was imported before: nothing written. */
  readonly alreadyImported: boolean;
}

function readBounded(path: unknown, field: string, max: number): { name: string; bytes: Buffer } {
  if (typeof path !== 'string' || path.trim() === '') throw new KeywardError('invalid_input', `${field === 'crl' ? 'a CRL' : 'the metadata BLOB'} file path is required`, field);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new KeywardError('invalid_input', `${path} is not a file`, field);
    size = stat.size;
  } catch (error) {
    if (error instanceof KeywardError) throw error;
    throw new KeywardError('not_found', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, field);
  }
  if (size > max) throw new KeywardError('invalid_input', `${path} is ${size} bytes; at most ${max} are read`, field);
  return { name: basename(path), bytes: readFileSync(path) };
}

/**
 * Imports a FIDO Metadata Service BLOB that an administrator downloaded elsewhere and brought on
 * removable media, with the CRLs of its chain: verified offline against the pinned root
 * (`trust.rootPem` only in tests), refused if older than the one imported (a rollback), and
 * recorded in the ledger with its serial number, next-update date and SHA-256. A BLOB already
 * past its next-update date is imported (it is still the newest the room has) and is a notice
 * until a newer one comes.
 */
export async function importMetadata(session: Session, input: MetadataImportInput, trust: { readonly rootPem?: string } = {}): Promise<MetadataImportResult> {
  const blob = readBounded(input.file, 'file', MAX_BLOB_BYTES);
  const crlPaths = input.crls === undefined ? [] : Array.isArray(input.crls) ? input.crls : [input.crls];
  const crls: CrlFile[] = crlPaths.map((p) => readBounded(p, 'crl', MAX_CRL_BYTES));
  const sha256 = hash('sha256', blob.bytes, 'hex');
  const now = session.clock.now();
  const text = blob.bytes.toString('utf8');
  const verified = await verifyMetadataBlob(text, { rootPem: trust.rootPem ?? FIDO_MDS_ROOT_PEM, crls, now });
  const payload = parseBlobPayload(verified.payload);
  const stale = metadataStale(payload.nextUpdate, now);
  const result = { file: blob.name, no: payload.no, nextUpdate: payload.nextUpdate, sha256, signer: verified.signer, entries: payload.entries.length, crls: verified.crls, notCheckedAgainstACrl: verified.notCheckedAgainstACrl, stale };

  return recorded(session, (at) => {
    const newest = newestBlob(session.db);
    if (newest && payload.no === newest.no && sha256 === newest.sha256) return { ...result, alreadyImported: true };
    if (newest && payload.no < newest.no) throw new KeywardError('conflict', `rollback refused: this BLOB is number ${payload.no}, older than number ${newest.no} imported on ${newest.importedAt.slice(0, 10)}`, 'file');
    if (newest && payload.no === newest.no) throw new KeywardError('conflict', `a different BLOB with the same number ${payload.no} was imported on ${newest.importedAt.slice(0, 10)} (SHA-256 ${newest.sha256}); refused`, 'file');
    const entry = appendEntry(
      session.db,
      {
        kind: 'metadata.imported',
        actors: [session.actor],
        payload: {
          file: blob.name,
          no: payload.no,
          nextUpdate: payload.nextUpdate,
          sha256,
          signer: verified.signer,
          algorithm: verified.algorithm,
          chain: [...verified.chain],
          entries: payload.entries.length,
          crls: verified.crls.map((c) => ({ ...c, certificates: [...c.certificates] })),
          notCheckedAgainstACrl: [...verified.notCheckedAgainstACrl],
          stale,
        },
      },
      at,
    );
    storeBlob(session.db, { no: payload.no, nextUpdate: payload.nextUpdate, sha256, signer: verified.signer, importedAt: at.recordedAt, ledgerSeq: entry.seq }, payload);
    return { ...result, alreadyImported: false };
  });
}

/** The metadata the room holds now: the newest BLOB imported, or null. */
export function importedMetadata(session: Pick<Session, 'db' | 'clock'>): ImportedMetadataView | null {
  const blob = newestBlob(session.db);
  if (!blob) return null;
  const { ledgerSeq: _seq, ...shown } = blob;
  return { ...shown, stale: metadataStale(blob.nextUpdate, session.clock.now()) };
}
