import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { openDatabase, schemaVersion, writerWaiting, type KeywardDatabase, type OpenOptions } from '../db/connection';

export { writerWaiting };
import { appendEntry, readHead } from '../db/ledger';
import { timestamp, type Clock } from './ports';
import type { Actor } from '../core/ledger/ledger';

export type { KeywardDatabase };

export const KEYWARD_VERSION = '0.1.0';

/**
 * Creates the database (and its folder) when missing and writes the ledger's first entry.
 * Opening an initialised database again changes nothing.
 */
export function initDatabase(path: string, clock: Clock, actor: Actor, options: OpenOptions = {}): { db: KeywardDatabase; created: boolean } {
  mkdirSync(dirname(path), { recursive: true });
  let created = false;
  const writeCreation = (db: KeywardDatabase) => {
    if (readHead(db).seq !== 0) return;
    // The first entry's hash is the site's identity in audit bundles: a random nonce keeps two rooms set up
    // in the same second by the same person with the same version from ever sharing one.
    appendEntry(db, { kind: 'ledger.created', actors: [actor], payload: { keywardVersion: KEYWARD_VERSION, schemaVersion: schemaVersion(db), siteNonce: randomBytes(16).toString('hex') } }, timestamp(clock));
    created = true;
  };
  // The schema and the first entry land together, so no Keyward file is ever without its creation entry.
  const db = openDatabase(path, { ...options, create: true, onCreate: writeCreation });
  // A file that an earlier version left without its creation entry gets it now.
  if (!created && readHead(db).seq === 0) db.transaction(() => writeCreation(db)).immediate();
  return { db, created };
}

/** Opens an existing database; a missing file is an error rather than a silently new ledger. */
export function openExistingDatabase(path: string, options: OpenOptions = {}): KeywardDatabase {
  return openDatabase(path, { ...options, create: false });
}
