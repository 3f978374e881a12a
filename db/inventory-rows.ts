import type { InventoryRows } from '../core/ledger/replay';
import type { KeywardDatabase } from './connection';

/** The inventory tables as stored, in the shape the ledger's replay produces, for comparing the two. */
export function readInventoryRows(db: KeywardDatabase): InventoryRows {
  const all = <T>(sql: string) => db.prepare(sql).all() as T[];
  return {
    places: new Map(all<{ id: number; name: string; site: string; safe: string; slot: string }>('SELECT id, name, site, safe, slot FROM places').map(({ id, ...row }) => [id, row])),
    accounts: new Map(all<{ id: number; upn: string; objectId: string; label: string }>('SELECT id, upn, object_id AS objectId, label FROM accounts').map(({ id, ...row }) => [id, row])),
    authenticators: new Map(
      all<{ id: number; kind: string; label: string; state: string; place: string | null; account: string | null; simulated: number; sealSerial: string | null }>(
        `SELECT a.id, a.kind, a.label, a.state, p.name AS place, acc.upn AS account, a.simulated, a.seal_serial AS sealSerial
         FROM authenticators a LEFT JOIN places p ON p.id = a.place_id LEFT JOIN accounts acc ON acc.id = a.account_id`,
      ).map(({ id, simulated, ...row }) => [id, { ...row, simulated: simulated === 1 }]),
    ),
    custodians: new Map(
      all<{ id: number; name: string; active: number; credentialId: string | null; publicKey: string | null; simulated: number | null }>(
        `SELECT c.id, c.name, c.active, k.credential_id AS credentialId, k.public_key AS publicKey, k.simulated
         FROM custodians c LEFT JOIN custodian_credentials k ON k.custodian_id = c.id`,
      ).map(({ id, active, simulated, ...row }) => [id, { name: row.name, active: active === 1, credentialId: row.credentialId, publicKey: row.publicKey, drillKey: simulated === null ? null : simulated === 1 }]),
    ),
    seals: new Map(all<{ serial: string; state: string }>('SELECT serial, state FROM seals').map(({ serial, state }) => [serial, { state }])),
    checkouts: new Map(
      all<{ checkoutSeq: number; authenticatorId: number; custodianId: number; witnessId: number | null; countersignSeq: number | null; returnSeq: number | null }>(
        'SELECT checkout_seq AS checkoutSeq, authenticator_id AS authenticatorId, custodian_id AS custodianId, witness_id AS witnessId, countersign_seq AS countersignSeq, return_seq AS returnSeq FROM checkouts',
      ).map(({ checkoutSeq, ...row }) => [checkoutSeq, row]),
    ),
  };
}
