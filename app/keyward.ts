import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeywardError } from '../core/errors';
import { openDatabase, schemaVersion, type KeywardDatabase, type OpenOptions } from '../db/connection';
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
  const db = openDatabase(path, options);
  let created = false;
  db.transaction(() => {
    if (readHead(db).seq === 0) {
      appendEntry(db, { kind: 'ledger.created', actors: [actor], payload: { keywardVersion: KEYWARD_VERSION, schemaVersion: schemaVersion(db) } }, timestamp(clock));
      created = true;
    }
  }).immediate();
  return { db, created };
}

/** Opens an existing database; a missing file is an error rather than a silently new ledger. */
export function openExistingDatabase(path: string, options: OpenOptions = {}): KeywardDatabase {
  if (!existsSync(path)) {
    throw new KeywardError('not_found', `no Keyward database at ${path}; run "keyward init" first or pass --db PATH`, 'db');
  }
  return openDatabase(path, options);
}
