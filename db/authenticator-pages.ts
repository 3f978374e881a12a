import type { AuthenticatorKind, AuthenticatorState } from '../core/inventory/inventory';
import type { AuthenticatorPage, AuthenticatorPageRequest, AuthenticatorQuery, AuthenticatorSort, ItemChoice } from '../core/inventory/authenticator-query';
import { SELECT, toAuthenticator, type Row } from './authenticators';
import type { KeywardDatabase } from './connection';

// Each order ends on the label and the id, so that a page never shares an item with the next one.
const ORDER: Record<AuthenticatorSort, string> = {
  label: 'a.label, a.id',
  place: 'p.name IS NULL, p.name, a.label, a.id',
  // Never checked first, then the longest since its last check.
  'last-check': 'COALESCE(f.last_checked_at, s.last_checked_at) IS NOT NULL, COALESCE(f.last_checked_at, s.last_checked_at), a.label, a.id',
};

const SEARCHED = ['a.label', 'a.serial', 'p.name', 'acc.upn', 'f.model'];

function where(query: AuthenticatorQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (query.state) {
    parts.push('a.state = ?');
    params.push(query.state);
  }
  if (query.kind) {
    parts.push('a.kind = ?');
    params.push(query.kind);
  }
  if (query.text) {
    parts.push(`(${SEARCHED.map((column) => `instr(lower(COALESCE(${column}, '')), lower(?)) > 0`).join(' OR ')})`);
    for (let i = 0; i < SEARCHED.length; i += 1) params.push(query.text);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const FROM = `FROM authenticators a LEFT JOIN places p ON p.id = a.place_id LEFT JOIN accounts acc ON acc.id = a.account_id
  LEFT JOIN fido_credentials f ON f.authenticator_id = a.id LEFT JOIN smartcards s ON s.authenticator_id = a.id`;

/**
 * One page of the authenticators that match, in the order asked, with how many match and how
 * many there are: the screen receives a page, never the whole inventory.
 */
export function pageAuthenticators(db: KeywardDatabase, request: AuthenticatorPageRequest): AuthenticatorPage {
  const { sql, params } = where(request);
  const rows = db.prepare(`${SELECT} ${sql} ORDER BY ${ORDER[request.sort]} LIMIT ? OFFSET ?`).all(...params, request.limit, request.offset) as Row[];
  const total = db.prepare('SELECT count(*) FROM authenticators').pluck().get() as number;
  const matching = sql ? (db.prepare(`SELECT count(*) ${FROM} ${sql}`).pluck().get(...params) as number) : total;
  return { authenticators: rows.map(toAuthenticator), offset: request.offset, limit: request.limit, matching, total };
}

/** How many authenticators there are, by state and by kind. */
export function countAuthenticators(db: KeywardDatabase): { total: number; byState: Partial<Record<AuthenticatorState, number>>; byKind: Partial<Record<AuthenticatorKind, number>> } {
  const rows = db.prepare('SELECT state, kind, count(*) AS n FROM authenticators GROUP BY state, kind').all() as { state: AuthenticatorState; kind: AuthenticatorKind; n: number }[];
  const byState: Partial<Record<AuthenticatorState, number>> = {};
  const byKind: Partial<Record<AuthenticatorKind, number>> = {};
  for (const { state, kind, n } of rows) {
    byState[state] = (byState[state] ?? 0) + n;
    byKind[kind] = (byKind[kind] ?? 0) + n;
  }
  return { total: rows.reduce((sum, r) => sum + r.n, 0), byState, byKind };
}

/** Every item by label, as the lists to choose an item from show it: a few columns, not the whole row. */
export function listItemChoices(db: KeywardDatabase): ItemChoice[] {
  const rows = db
    .prepare(
      `SELECT a.id, a.label, a.kind, a.state, a.simulated, (f.credential_id IS NOT NULL OR s.guid IS NOT NULL) AS enrolled, a.seal_serial AS sealSerial
       FROM authenticators a LEFT JOIN fido_credentials f ON f.authenticator_id = a.id LEFT JOIN smartcards s ON s.authenticator_id = a.id ORDER BY a.label, a.id`,
    )
    .all() as (Omit<ItemChoice, 'simulated' | 'enrolled'> & { simulated: number; enrolled: number })[];
  return rows.map((r) => ({ ...r, simulated: r.simulated === 1, enrolled: r.enrolled === 1 }));
}
