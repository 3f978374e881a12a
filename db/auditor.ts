import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { KeywardError } from '../core/errors';
import type { LedgerEntry } from '../core/ledger/ledger';
import type { AuditorFinding } from '../core/audit/site-view';
import { toLedgerEntry } from './ledger';

/** 'KWAU': an auditor's database of audit bundles, never taken for a site's custody database. */
export const AUDITOR_APPLICATION_ID = 0x4b574155;
const AUDITOR_SCHEMA = 2;

export type AuditorDatabase = Database.Database;

/**
 * Opens (or, when asked, creates) an auditor database: the summaries of the audit bundles an
 * auditor collected from many sites, each site's chain of entry hashes as far as its bundles
 * reach, and the auditor's findings. A file that is not one is refused and left untouched.
 */
export function openAuditorDatabase(path: string, options: { create: boolean; nativeBinding?: string }): AuditorDatabase {
  const exists = existsSync(path);
  if (!exists && !options.create) throw new KeywardError('not_found', `no auditor database at ${path}; "keyward audit add" creates one`, 'auditor');
  if (exists && (statSync(path).isDirectory() || statSync(path).size === 0)) throw new KeywardError('not_a_keyward_database', `${path} is not a Keyward auditor database; it was left untouched`);
  const db = new Database(path, { nativeBinding: options.nativeBinding });
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
          CREATE TABLE chain (site_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, kind TEXT, body TEXT, PRIMARY KEY (site_id, seq)) STRICT, WITHOUT ROWID;
          CREATE TABLE findings (id INTEGER PRIMARY KEY, site_id TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, bundle_id INTEGER NOT NULL REFERENCES bundles (id), at TEXT NOT NULL) STRICT;
          CREATE TABLE site_states (site_id TEXT PRIMARY KEY, bundle_id INTEGER NOT NULL REFERENCES bundles (id), state TEXT NOT NULL) STRICT;
        `);
      })();
    } else if ((db.pragma('user_version', { simple: true }) as number) === 1) upgradeToEntries(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Schema 1 held each site's entry hashes only; schema 2 keeps the entries themselves (for the
 * site's ledger, custody and findings). A site's bodies are filled in by its next bundle.
 */
function upgradeToEntries(db: AuditorDatabase): void {
  db.transaction(() => {
    db.exec(`
      ALTER TABLE chain ADD COLUMN kind TEXT;
      ALTER TABLE chain ADD COLUMN body TEXT;
      CREATE TABLE site_states (site_id TEXT PRIMARY KEY, bundle_id INTEGER NOT NULL REFERENCES bundles (id), state TEXT NOT NULL) STRICT;
    `);
    db.pragma(`user_version = ${AUDITOR_SCHEMA}`);
  })();
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

/** The site's bundle that reaches furthest along the chain held for the site: a bundle that forked it or went back is never it. */
export const furthestBundle = (db: AuditorDatabase, siteId: string) =>
  db
    .prepare(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE site_id = ? AND id NOT IN (SELECT bundle_id FROM findings WHERE kind IN ('fork', 'rollback')) ORDER BY head_seq DESC, id LIMIT 1`)
    .get(siteId) as HeldBundle | undefined;

export function insertBundle(db: AuditorDatabase, b: Omit<HeldBundle, 'id'>): number {
  return Number(
    db.prepare('INSERT INTO bundles (site_id, site_name, file_sha256, created_at, head_seq, head_hash, checkpoints, closing_hash, added_at) VALUES (@siteId, @siteName, @fileSha256, @createdAt, @headSeq, @headHash, @checkpoints, @closingHash, @addedAt)').run(b).lastInsertRowid,
  );
}

/** The entry hashes held for a site, from `from` on, in order. */
export const heldHashes = (db: AuditorDatabase, siteId: string, from: number, to: number): string[] =>
  db.prepare('SELECT hash FROM chain WHERE site_id = ? AND seq BETWEEN ? AND ? ORDER BY seq').pluck().all(siteId, from, to) as string[];

/** An entry as a bundle holds it: its canonical body (without the hash), its hash and its kind. */
export interface HeldEntry {
  readonly hash: string;
  readonly kind: string;
  readonly body: string;
}

export function extendChain(db: AuditorDatabase, siteId: string, fromSeq: number, entries: readonly HeldEntry[]): void {
  const insert = db.prepare('INSERT INTO chain (site_id, seq, hash, kind, body) VALUES (?, ?, ?, ?, ?)');
  entries.forEach((e, i) => insert.run(siteId, fromSeq + i, e.hash, e.kind, e.body));
}

/** Entries held by hash only (an auditor database of schema 1) take their bodies from a bundle of the same chain. */
export function fillMissingBodies(db: AuditorDatabase, siteId: string, entries: readonly HeldEntry[]): void {
  const missing = db.prepare('SELECT seq FROM chain WHERE site_id = ? AND body IS NULL ORDER BY seq').pluck().all(siteId) as number[];
  const fill = db.prepare('UPDATE chain SET kind = ?, body = ? WHERE site_id = ? AND seq = ? AND hash = ?');
  for (const seq of missing) {
    const entry = entries[seq - 1];
    if (entry) fill.run(entry.kind, entry.body, siteId, seq, entry.hash);
  }
}

/** The held entries of a site of the given kinds (all, without kinds), oldest first. */
export function heldEntriesOfKinds(db: AuditorDatabase, siteId: string, kinds?: readonly string[]): LedgerEntry[] {
  const where = kinds ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
  const rows = db.prepare(`SELECT body, hash FROM chain WHERE site_id = ? AND body IS NOT NULL ${where} ORDER BY seq`).all(siteId, ...(kinds ?? [])) as { body: string; hash: string }[];
  return rows.map(toLedgerEntry);
}

/** A page of a site's held entries, newest first, before `beforeSeq`, narrowed by kind families (`custody.`) and text; and how many match. */
export function heldEntriesPage(db: AuditorDatabase, siteId: string, query: { kinds?: readonly string[]; text?: string }, page: { limit: number; beforeSeq?: number }): { entries: LedgerEntry[]; total: number } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.kinds?.length) {
    parts.push(`(${query.kinds.map(() => "(kind = ? OR (substr(?, -1) = '.' AND substr(kind, 1, length(?)) = ?))").join(' OR ')})`);
    for (const kind of query.kinds) params.push(kind, kind, kind, kind);
  }
  if (query.text) {
    parts.push('instr(lower(body), lower(?)) > 0');
    params.push(query.text);
  }
  const sql = parts.length ? `AND ${parts.join(' AND ')}` : '';
  const rows = db.prepare(`SELECT body, hash FROM chain WHERE site_id = ? AND body IS NOT NULL AND seq < ? ${sql} ORDER BY seq DESC LIMIT ?`).all(siteId, page.beforeSeq ?? Number.MAX_SAFE_INTEGER, ...params, page.limit) as { body: string; hash: string }[];
  const total = db.prepare(`SELECT count(*) FROM chain WHERE site_id = ? AND body IS NOT NULL ${sql}`).pluck().get(siteId, ...params) as number;
  return { entries: rows.map(toLedgerEntry), total };
}

/** What the auditor judged of a site from its held entries, as of the bundle named: kept as JSON, read back as written. */
export const saveSiteState = (db: AuditorDatabase, siteId: string, bundleId: number, state: unknown) =>
  db.prepare('INSERT INTO site_states (site_id, bundle_id, state) VALUES (?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET bundle_id = excluded.bundle_id, state = excluded.state').run(siteId, bundleId, JSON.stringify(state));

export function readSiteState(db: AuditorDatabase, siteId: string): unknown {
  const state = db.prepare('SELECT state FROM site_states WHERE site_id = ?').pluck().get(siteId) as string | undefined;
  return state === undefined ? undefined : (JSON.parse(state) as unknown);
}


export const insertAuditorFinding = (db: AuditorDatabase, f: AuditorFinding) => db.prepare('INSERT INTO findings (site_id, kind, severity, message, bundle_id, at) VALUES (@siteId, @kind, @severity, @message, @bundleId, @at)').run(f);

export const listAuditorFindings = (db: AuditorDatabase): AuditorFinding[] =>
  db.prepare("SELECT site_id AS siteId, kind, severity, message, bundle_id AS bundleId, at FROM findings ORDER BY CASE severity WHEN 'critical' THEN 0 ELSE 1 END, id").all() as AuditorFinding[];

export const listSiteIds = (db: AuditorDatabase): string[] => db.prepare('SELECT DISTINCT site_id FROM bundles ORDER BY site_name, site_id').pluck().all() as string[];

/** How many bundles of a site are held, and when the newest of them was made. */
export const bundlesOfSite = (db: AuditorDatabase, siteId: string) => db.prepare('SELECT count(*) AS n, max(created_at) AS last FROM bundles WHERE site_id = ?').get(siteId) as { n: number; last: string };
