import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { KeywardError, isKeywardError } from '../../core/errors';
import { CsvScanner, JsonRecordScanner } from '../../core/guidance/record-scanners';
import { csvLayout, reconcile, signInFromCsv, signInFromGraph, type Reconciliation } from '../../core/guidance/signins';
import { listAccounts } from '../../db/accounts';
import { appendEntry } from '../../db/ledger';
import { checkoutWindows, findImport, insertSignIn, recordImport, signInsOfUsers } from '../../db/signins';
import { recorded, type Session } from '../ports';

const CHUNK = 64 * 1024;

/** Reads a file in chunks, handing decoded text on; returns the SHA-256 of its bytes. */
function streamFile(path: string, onText: (text: string) => void): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot read ${path}: ${(error as Error).message}`, 'file');
  }
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(CHUNK);
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      onText(decoder.write(buffer.subarray(0, read)));
    }
    onText(decoder.end());
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function sniff(path: string): 'json' | 'csv' {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(256);
  const read = readSync(fd, buffer, 0, 256, 0);
  closeSync(fd);
  const start = buffer.subarray(0, read).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('{') || start.startsWith('[') ? 'json' : 'csv';
}

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
 * CSV), streamed in one transaction: the first bad record, named by its position, undoes it all.
 * Importing the same sign-ins again adds nothing.
 */
export function importSignIns(session: Session, path: string): ImportResult {
  let format: 'json' | 'csv';
  try {
    format = sniff(path);
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot read ${path}: ${(error as Error).message}`, 'file');
  }
  let records = 0;
  let added = 0;
  const take = (signIn: ReturnType<typeof signInFromGraph>) => {
    records += 1;
    if (insertSignIn(session.db, signIn)) added += 1;
  };
  try {
    return recorded(session, (at) => {
      let sha256: string;
      if (format === 'json') {
        const scanner = new JsonRecordScanner((json, index) => {
          let value: unknown;
          try {
            value = JSON.parse(json);
          } catch (error) {
            throw new KeywardError('invalid_input', `record ${index + 1}: not JSON (${(error as Error).message})`, 'file');
          }
          take(signInFromGraph(value, `record ${index + 1}`));
        });
        sha256 = streamFile(path, (text) => scanner.push(text));
        scanner.end();
      } else {
        let layout: ReturnType<typeof csvLayout> | undefined;
        const scanner = new CsvScanner((fields, line) => {
          if (!layout) layout = csvLayout(fields);
          else take(signInFromCsv(fields, layout, line));
        });
        sha256 = streamFile(path, (text) => scanner.push(text));
        scanner.end();
        if (!layout) throw new KeywardError('invalid_input', 'the CSV file is empty', 'file');
      }
      const earlier = findImport(session.db, sha256);
      if (earlier) return { file: path, sha256, records, added: 0, alreadyKnown: records, alreadyImported: true };
      recordImport(session.db, { sha256, fileName: basename(path), records, added, importedAt: at.recordedAt });
      appendEntry(session.db, { kind: 'signins.imported', actors: [session.actor], payload: { file: basename(path), sha256, format, records, added } }, at);
      return { file: path, sha256, records, added, alreadyKnown: records - added, alreadyImported: false };
    });
  } catch (error) {
    if (isKeywardError(error)) throw error;
    throw new KeywardError('invalid_input', `${basename(path)}: ${(error as Error).message}; nothing was imported`, 'file');
  }
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
