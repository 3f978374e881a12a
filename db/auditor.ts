import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { KeywardError } from '../core/errors';

/** 'KWAU': an auditor's database of audit bundles, never taken for a site's custody database. */
export const AUDITOR_APPLICATION_ID = 0x4b574155;
const AUDITOR_SCHEMA = 1;

export type AuditorDatabase = Database.Database;

/**
 * Opens (or, when asked, creates) an auditor database: the summaries of the audit bundles an
 * auditor collected from many sites, each site's chain of entry hashes as far as its bundles
 * reach, and the auditor's findings. A file that is not one is refused and left untouched.
 */
export function openAuditorDatabase(path: string, options: { create: boolean }): AuditorDatabase {
  const exists = existsSync(path);
  if (!exists && !options.create) throw new KeywardError('not_found', `no auditor database at ${path}; "keyward audit add" creates one`, 'auditor');
  if (exists && (statSync(path).isDirectory() || statSync(path).size === 0)) throw new KeywardError('not_a_keyward_database', `${path} is not a Keyward auditor database; it was left untouched`);
  const db = new Database(path);
  try {
    const id = db.pragma('application_id', { simple: true }) as number;
    if (exists && id !== AUDITOR_APPLICATION_ID) throw new KeywardError('not_a_keyward_database', `${path} is not a Keyward auditor database (a site's custody database is opened with --db); it was left untouched`);
    if ((db.pragma('user_version', { simple: true }) as number) > AUDITOR_SCHEMA) throw new KeywardError('database_too_new', `${path} was written by a newer Keyward; it was left untouched`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    if (!exists) {
      db.transaction(() => {
        db.pragma(`application_id = ${AUDITOR_APPLICATION_ID}`);
        db.pragma(`user_version = ${AUDITOR_SCHEMA}`);
        db.exec(`
          CREATE TABLE bundles (id INTEGER PRIMARY KEY, site_id TEXT NOT NULL, site_name TEXT NOT NULL, file_sha256 TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL, head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL, checkpoints INTEGER NOT NULL, closing_hash TEXT NOT NULL, added_at TEXT NOT NULL) STRICT;
          CREATE TABLE chain (site_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (site_id, seq)) STRICT, WITHOUT ROWID;
          CREATE TABLE findings (id INTEGER PRIMARY KEY, site_id TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, bundle_id INTEGER NOT NULL REFERENCES bundles (id), at TEXT NOT NULL) STRICT;
        `);
      })();
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export interface HeldBundle {
  readonly id: number;
  readonly siteId: string;
  readonly siteName: string;
  readonly fileSha256: string;
  readonly createdAt: string;
  readonly headSeq: number;
  readonly headHash: string;
  readonly checkpoints: number;
  readonly closingHash: string;
  readonly addedAt: string;
}

const BUNDLE_COLUMNS = 'id, site_id AS siteId, site_name AS siteName, file_sha256 AS fileSha256, created_at AS createdAt, head_seq AS headSeq, head_hash AS headHash, checkpoints, closing_hash AS closingHash, added_at AS addedAt';

export const findBundleByFile = (db: AuditorDatabase, sha256: string) => db.prepare(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE file_sha256 = ?`).get(sha256) as HeldBundle | undefined;

/** The site's bundle that reaches furthest: the chain held for the site. */
export const furthestBundle = (db: AuditorDatabase, siteId: string) => db.prepare(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE site_id = ? ORDER BY head_seq DESC, id LIMIT 1`).get(siteId) as HeldBundle | undefined;

export function insertBundle(db: AuditorDatabase, b: Omit<HeldBundle, 'id'>): number {
  return Number(
    db.prepare('INSERT INTO bundles (site_id, site_name, file_sha256, created_at, head_seq, head_hash, checkpoints, closing_hash, added_at) VALUES (@siteId, @siteName, @fileSha256, @createdAt, @headSeq, @headHash, @checkpoints, @closingHash, @addedAt)').run(b).lastInsertRowid,
  );
}

/** The entry hashes held for a site, from `from` on, in order. */
export const heldHashes = (db: AuditorDatabase, siteId: string, from: number, to: number): string[] =>
  db.prepare('SELECT hash FROM chain WHERE site_id = ? AND seq BETWEEN ? AND ? ORDER BY seq').pluck().all(siteId, from, to) as string[];

export function extendChain(db: AuditorDatabase, siteId: string, fromSeq: number, hashes: readonly string[]): void {
  const insert = db.prepare('INSERT INTO chain (site_id, seq, hash) VALUES (?, ?, ?)');
  hashes.forEach((hash, i) => insert.run(siteId, fromSeq + i, hash));
}

export interface AuditorFinding {
  readonly siteId: string;
  readonly kind: 'fork' | 'rollback' | 'unknown-site';
  readonly severity: 'critical' | 'notice';
  readonly message: string;
  readonly bundleId: number;
  readonly at: string;
}

export const insertAuditorFinding = (db: AuditorDatabase, f: AuditorFinding) => db.prepare('INSERT INTO findings (site_id, kind, severity, message, bundle_id, at) VALUES (@siteId, @kind, @severity, @message, @bundleId, @at)').run(f);

export const listAuditorFindings = (db: AuditorDatabase): AuditorFinding[] =>
  db.prepare("SELECT site_id AS siteId, kind, severity, message, bundle_id AS bundleId, at FROM findings ORDER BY CASE severity WHEN 'critical' THEN 0 ELSE 1 END, id").all() as AuditorFinding[];

export const listSiteIds = (db: AuditorDatabase): string[] => db.prepare('SELECT DISTINCT site_id FROM bundles ORDER BY site_name, site_id').pluck().all() as string[];

/** How many bundles of a site are held, and when the newest of them was made. */
export const bundlesOfSite = (db: AuditorDatabase, siteId: string) => db.prepare('SELECT count(*) AS n, max(created_at) AS last FROM bundles WHERE site_id = ?').get(siteId) as { n: number; last: string };
