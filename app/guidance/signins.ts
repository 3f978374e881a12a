import { basename } from 'node:path';
import { KeywardError, isKeywardError } from '../../core/errors';
import { EXPORT_KIND_NAMES } from '../../core/guidance/export-kind';
import { CsvScanner, JsonRecordScanner, describeRecord } from '../../core/guidance/record-scanners';
import { csvLayout, reconcile, signInFromCsv, signInFromGraph, type CsvLayout, type Reconciliation, type SignIn } from '../../core/guidance/signins';
import { listAccounts } from '../../db/accounts';
import { appendEntry } from '../../db/ledger';
import { checkoutWindows, findImport, recordImport, signInWriter, signInsOfUsers } from '../../db/signins';
import { recorded, type ProgressReport, type Session } from '../ports';
import { lookAtExportFile, streamExportFile } from './export-file';

export interface ImportResult {
  readonly file: string;
  readonly sha256: string;
  readonly records: number;
  readonly added: number;
  readonly alreadyKnown: number;
  readonly alreadyImported: boolean;
}

/**
 * Imports an Entra sign-in export (Graph JSON pages, a JSON array, JSON Lines, or the portal's
 * CSV), streamed in one transaction: the first thing wrong — a malformed or oversized record, a
 * value of the wrong type, a date not on the calendar, bytes that are not UTF-8 — named by its
 * line and column, undoes it all, and so does an export with no sign-ins. An export of another
 * kind (users, roles, policies) is refused before it is read. Importing the same sign-ins again
 * adds nothing.
 */
export function importSignIns(session: Session, path: string, progress?: ProgressReport): ImportResult {
  const look = lookAtExportFile(path);
  if (look.format === 'empty') throw new KeywardError('invalid_input', `${basename(path)} is empty; nothing was imported`, 'file');
  if (look.kind !== 'sign-ins' && look.kind !== 'unknown') {
    throw new KeywardError('invalid_input', `${basename(path)} looks like ${EXPORT_KIND_NAMES[look.kind]} (${look.evidence}), not a sign-in log; import it with "keyward import entra"`, 'file');
  }
  const format = look.format;
  let records = 0;
  try {
    return recorded(session, (at) => {
      const writer = signInWriter(session.db);
      let sha256: string;
      try {
        sha256 = readSignIns(path, format, (signIn) => {
          records += 1;
          writer.add(signIn);
        }, progress);
        writer.finish();
      } finally {
        writer.release();
      }
      const added = writer.added;
      if (records === 0) throw new KeywardError('invalid_input', 'it holds no sign-ins (an empty export?)', 'file');
      const earlier = findImport(session.db, sha256);
      if (earlier) return { file: path, sha256, records, added: 0, alreadyKnown: records, alreadyImported: true };
      recordImport(session.db, { sha256, fileName: basename(path), records, added, importedAt: at.recordedAt });
      appendEntry(session.db, { kind: 'signins.imported', actors: [session.actor], payload: { file: basename(path), sha256, format, records, added } }, at);
      return { file: path, sha256, records, added, alreadyKnown: records - added, alreadyImported: false };
    });
  } catch (error) {
    // The transaction is undone: say so, and which file.
    if (isKeywardError(error) && error.field !== 'file') throw error;
    throw new KeywardError('invalid_input', `${basename(path)}: ${(error as Error).message}; nothing was imported`, 'file');
  }
}

/** Streams the sign-ins of an export of the given format to `take`; returns the SHA-256 of the file's bytes. */
function readSignIns(path: string, format: 'json' | 'csv', take: (signIn: SignIn) => void, progress?: ProgressReport): string {
  if (format === 'json') {
    const scanner = new JsonRecordScanner((value, place) => take(signInFromGraph(value, describeRecord(place))));
    const sha256 = streamExportFile(path, scanner, progress);
    scanner.end();
    return sha256;
  }
  let layout: CsvLayout | undefined;
  const scanner = new CsvScanner((fields, line) => {
    if (!layout) layout = csvLayout(fields);
    else take(signInFromCsv(fields, layout, line));
  });
  const sha256 = streamExportFile(path, scanner, progress);
  scanner.end();
  return sha256;
}

/** Reconciles every imported sign-in of the emergency accounts against the logged checkouts, and records the outcome. */
export function reconcileSignIns(session: Session): Reconciliation & { ledgerSeq: number } {
  const ids = listAccounts(session.db).map((a) => a.objectId);
  const result = reconcile(signInsOfUsers(session.db, ids), checkoutWindows(session.db), ids, session.clock.now());
  const entry = recorded(session, (at) =>
    appendEntry(
      session.db,
      {
        kind: 'signins.reconciled',
        actors: [session.actor],
        payload: {
          explained: result.explained.length,
          incidents: result.incidents.map((s) => ({ id: s.id, userId: s.userId, createdAt: s.createdAt, ip: s.ip, errorCode: s.errorCode })),
          incompleteDrills: result.incompleteDrills.map((w) => w.checkoutSeq),
          failedBursts: result.failedBursts.map((b) => ({ ...b })),
        },
      },
      at,
    ),
  );
  return { ...result, ledgerSeq: entry.seq };
}
