import type { Checkout } from '../core/custody/custody';
import type { KeywardDatabase } from './connection';

export interface CustodianCredential {
  readonly custodianId: number;
  readonly credentialId: string;
  readonly publicKey: string;
  readonly aaguid: string;
  readonly model: string;
  readonly signCount: number;
  readonly simulated: boolean;
}

export function insertCustodianCredential(db: KeywardDatabase, c: CustodianCredential & { enrolledAt: string }): void {
  db.prepare(
    `INSERT INTO custodian_credentials (custodian_id, credential_id, public_key, aaguid, model, sign_count, simulated, enrolled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.custodianId, c.credentialId, c.publicKey, c.aaguid, c.model, c.signCount, c.simulated ? 1 : 0, c.enrolledAt);
}

/** A custodian's new key takes the place of the old one, which can approve nothing from now on. */
export function replaceCustodianCredential(db: KeywardDatabase, c: CustodianCredential & { enrolledAt: string }): void {
  db.prepare('DELETE FROM custodian_credentials WHERE custodian_id = ?').run(c.custodianId);
  insertCustodianCredential(db, c);
}

export function findCustodianCredential(db: KeywardDatabase, custodianId: number): CustodianCredential | undefined {
  const row = db
    .prepare('SELECT custodian_id AS custodianId, credential_id AS credentialId, public_key AS publicKey, aaguid, model, sign_count AS signCount, simulated FROM custodian_credentials WHERE custodian_id = ?')
    .get(custodianId) as (Omit<CustodianCredential, 'simulated'> & { simulated: number }) | undefined;
  return row && { ...row, simulated: row.simulated === 1 };
}

export function updateCustodianSignCount(db: KeywardDatabase, custodianId: number, signCount: number): void {
  db.prepare('UPDATE custodian_credentials SET sign_count = ? WHERE custodian_id = ?').run(signCount, custodianId);
}

export function deactivateCustodianRow(db: KeywardDatabase, custodianId: number, at: string): void {
  db.prepare('UPDATE custodians SET active = 0, deactivated_at = ? WHERE id = ?').run(at, custodianId);
}

export function saveCustodianDrillKey(db: KeywardDatabase, custodianId: number, state: unknown): void {
  db.prepare('INSERT INTO drill_custodian_keys (custodian_id, state) VALUES (?, ?) ON CONFLICT (custodian_id) DO UPDATE SET state = excluded.state').run(custodianId, JSON.stringify(state));
}

export function loadCustodianDrillKey(db: KeywardDatabase, custodianId: number): unknown {
  const state = db.prepare('SELECT state FROM drill_custodian_keys WHERE custodian_id = ?').pluck().get(custodianId) as string | undefined;
  return state === undefined ? undefined : (JSON.parse(state) as unknown);
}

export type CheckoutRow = Checkout;

const SELECT = `SELECT c.id, c.authenticator_id AS authenticatorId, a.label, c.custodian_id AS custodianId, cu.name AS custodian, c.witness_id AS witnessId, w.name AS witness,
  c.reason, c.ticket, c.expected_return_at AS expectedReturnAt, c.broken_seal AS brokenSeal, c.seal_intact AS sealIntact, c.checked_out_at AS checkedOutAt,
  c.checkout_seq AS checkoutSeq, c.countersign_seq AS countersignSeq, c.returned_at AS returnedAt, c.return_seq AS returnSeq, c.return_seal AS returnSeal
  FROM checkouts c JOIN authenticators a ON a.id = c.authenticator_id JOIN custodians cu ON cu.id = c.custodian_id LEFT JOIN custodians w ON w.id = c.witness_id`;

const toRow = (r: Omit<CheckoutRow, 'sealIntact'> & { sealIntact: number }): CheckoutRow => ({ ...r, sealIntact: r.sealIntact === 1 });

export function insertCheckout(db: KeywardDatabase, c: Omit<CheckoutRow, 'id' | 'label' | 'custodian' | 'witness' | 'countersignSeq' | 'returnedAt' | 'returnSeq' | 'returnSeal'>): number {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO checkouts (authenticator_id, custodian_id, witness_id, reason, ticket, expected_return_at, broken_seal, seal_intact, checked_out_at, checkout_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(c.authenticatorId, c.custodianId, c.witnessId, c.reason, c.ticket, c.expectedReturnAt, c.brokenSeal, c.sealIntact ? 1 : 0, c.checkedOutAt, c.checkoutSeq);
  return Number(lastInsertRowid);
}

export function findOpenCheckout(db: KeywardDatabase, authenticatorId: number): CheckoutRow | undefined {
  const row = db.prepare(`${SELECT} WHERE c.authenticator_id = ? AND c.returned_at IS NULL`).get(authenticatorId) as Parameters<typeof toRow>[0] | undefined;
  return row && toRow(row);
}

export function listCheckouts(db: KeywardDatabase, filter: { open?: boolean } = {}): CheckoutRow[] {
  const where = filter.open ? 'WHERE c.returned_at IS NULL' : '';
  return (db.prepare(`${SELECT} ${where} ORDER BY c.checked_out_at DESC, c.id DESC`).all() as Parameters<typeof toRow>[0][]).map(toRow);
}

export function recordReturn(db: KeywardDatabase, checkoutId: number, r: { returnedAt: string; returnSeq: number; returnSeal: string }): void {
  db.prepare('UPDATE checkouts SET returned_at = ?, return_seq = ?, return_seal = ? WHERE id = ?').run(r.returnedAt, r.returnSeq, r.returnSeal, checkoutId);
}

export function recordCountersign(db: KeywardDatabase, checkoutId: number, seq: number): void {
  db.prepare('UPDATE checkouts SET countersign_seq = ? WHERE id = ?').run(seq, checkoutId);
}

export function setAuthenticatorState(db: KeywardDatabase, authenticatorId: number, state: 'in_safe' | 'checked_out' | 'retired'): void {
  db.prepare('UPDATE authenticators SET state = ? WHERE id = ?').run(state, authenticatorId);
}

export function setSealState(db: KeywardDatabase, serial: string, state: 'sealing' | 'broken'): void {
  db.prepare('UPDATE seals SET state = ? WHERE serial = ?').run(state, serial);
}
