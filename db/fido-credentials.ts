import type { KnownKeyState, PresenceResult } from '../core/presence/presence';
import type { KeywardDatabase } from './connection';

export interface FidoCredential {
  readonly authenticatorId: number;
  readonly rpId: string;
  /** base64url */
  readonly credentialId: string;
  /** COSE key, base64url */
  readonly publicKey: string;
  readonly aaguid: string;
  readonly model: string;
  readonly enrolledAt: string;
  readonly known: KnownKeyState;
  /** Facts about the key that are not anomalies (an expired attestation certificate, non-canonical responses). */
  readonly notes: readonly string[];
  readonly lastCheckedAt: string | null;
  readonly lastResult: PresenceResult | null;
}

interface Row {
  authenticatorId: number;
  rpId: string;
  credentialId: string;
  publicKey: string;
  aaguid: string;
  model: string;
  enrolledAt: string;
  signCount: number;
  pinRetries: number | null;
  getInfo: string;
  notes: string;
  lastCheckedAt: string | null;
  lastResult: PresenceResult | null;
}

const SELECT = `SELECT authenticator_id AS authenticatorId, rp_id AS rpId, credential_id AS credentialId, public_key AS publicKey, aaguid, model,
  enrolled_at AS enrolledAt, sign_count AS signCount, pin_retries AS pinRetries, get_info AS getInfo, notes, last_checked_at AS lastCheckedAt, last_result AS lastResult
  FROM fido_credentials`;

function toCredential(row: Row): FidoCredential {
  const info = JSON.parse(row.getInfo) as Pick<KnownKeyState, 'firmwareVersion' | 'versions' | 'options' | 'uvRetries'>;
  return {
    authenticatorId: row.authenticatorId,
    rpId: row.rpId,
    credentialId: row.credentialId,
    publicKey: row.publicKey,
    aaguid: row.aaguid,
    model: row.model,
    enrolledAt: row.enrolledAt,
    known: { aaguid: row.aaguid, firmwareVersion: info.firmwareVersion, versions: info.versions, options: info.options, pinRetries: row.pinRetries, ...(info.uvRetries !== undefined ? { uvRetries: info.uvRetries } : {}), signCount: row.signCount },
    notes: JSON.parse(row.notes) as string[],
    lastCheckedAt: row.lastCheckedAt,
    lastResult: row.lastResult,
  };
}

// The UV retry counter rides in the getInfo column: only keys with built-in user verification have one.
const infoJson = (state: KnownKeyState) => JSON.stringify({ firmwareVersion: state.firmwareVersion, versions: state.versions, options: state.options, uvRetries: state.uvRetries });

export function insertFidoCredential(db: KeywardDatabase, c: Omit<FidoCredential, 'lastCheckedAt' | 'lastResult'>): void {
  db.prepare(
    `INSERT INTO fido_credentials (authenticator_id, rp_id, credential_id, public_key, aaguid, model, enrolled_at, sign_count, pin_retries, get_info, notes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.authenticatorId, c.rpId, c.credentialId, c.publicKey, c.aaguid, c.model, c.enrolledAt, c.known.signCount, c.known.pinRetries, infoJson(c.known), JSON.stringify(c.notes));
}

/** A key's notes as they now stand (facts learnt at a check join those from its enrolment). */
export function setKeyNotes(db: KeywardDatabase, authenticatorId: number, notes: readonly string[]): void {
  db.prepare('UPDATE fido_credentials SET notes = ? WHERE authenticator_id = ?').run(JSON.stringify(notes), authenticatorId);
}

export function findFidoCredential(db: KeywardDatabase, authenticatorId: number): FidoCredential | undefined {
  const row = db.prepare(`${SELECT} WHERE authenticator_id = ?`).get(authenticatorId) as Row | undefined;
  return row && toCredential(row);
}

/**
 * Records a presence check. Only a clean check moves the known state on. After an anomaly the
 * known state stays the last accepted one, so every later check keeps comparing with it until two
 * custodians accept the new state (`acceptKeyBaseline`); the counter alone follows the key while
 * its movement is explained, so the logged checks themselves never read as unlogged use.
 */
export function recordPresenceState(db: KeywardDatabase, authenticatorId: number, state: KnownKeyState | undefined, checkedAt: string, result: PresenceResult, counterExplained: boolean): void {
  if (state && result !== 'ok' && counterExplained) {
    db.prepare('UPDATE fido_credentials SET sign_count = ?, last_checked_at = ?, last_result = ? WHERE authenticator_id = ?').run(state.signCount, checkedAt, result, authenticatorId);
  } else if (state && result === 'ok') {
    db.prepare('UPDATE fido_credentials SET sign_count = ?, pin_retries = ?, aaguid = ?, get_info = ?, last_checked_at = ?, last_result = ? WHERE authenticator_id = ?').run(
      state.signCount,
      state.pinRetries,
      state.aaguid,
      infoJson(state),
      checkedAt,
      result,
      authenticatorId,
    );
  } else {
    db.prepare('UPDATE fido_credentials SET last_checked_at = ?, last_result = ? WHERE authenticator_id = ?').run(checkedAt, result, authenticatorId);
  }
}

/** Makes what the key said at a check the state later checks compare with: the resolution of an anomaly. */
export function acceptKeyBaseline(db: KeywardDatabase, authenticatorId: number, state: KnownKeyState): void {
  db.prepare('UPDATE fido_credentials SET sign_count = ?, pin_retries = ?, aaguid = ?, get_info = ? WHERE authenticator_id = ?').run(state.signCount, state.pinRetries, state.aaguid, infoJson(state), authenticatorId);
}
