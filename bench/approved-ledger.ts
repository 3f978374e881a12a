// A ledger as years of custody leave it, for bench:ledger: presence checks, and every tenth entry a
// checkout or a return signed by a custodian and a witness with real ES256 assertions over the
// entry (the format custodians' keys produce), after the two founders' own signed entry. Its twin
// holds the same entries with no approvals, the custody entries written as presence checks.
import { generateKeyPairSync, hash, sign, type KeyObject } from 'node:crypto';
import { initDatabase } from '../app/keyward';
import { approvalChallenge } from '../app/ledger/approval-verification';
import type { Approval, Actor, UnsealedEntry } from '../core/ledger/ledger';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../core/presence/presence';
import { appendEntry, appendPreparedEntry, prepareEntry } from '../db/ledger';
import { encodeCanonical } from '../native/ctap2/cbor';

const actor: Actor = { role: 'operator', name: 'bench' };
const start = Date.UTC(2026, 0, 1);
const at = (i: number) => ({ recordedAt: new Date(start + i * 60_000).toISOString(), utcOffset: '+01:00' });
const clock = { now: () => new Date(start), utcOffsetMinutes: () => 60 };
const RP_ID_HASH = hash('sha256', KEYWARD_RP_ID, 'buffer');

interface Custodian {
  readonly id: number;
  readonly name: string;
  readonly credentialId: string;
  readonly privateKey: KeyObject;
  readonly cose: string;
  counter: number;
}

function custodian(id: number, name: string): Custodian {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = encodeCanonical(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
  return { id, name, credentialId: Buffer.from(`credential of ${name}`).toString('base64url'), privateKey, cose: Buffer.from(cose).toString('base64url'), counter: 0 };
}

/** The custodian's key signing the entry as getAssertion does: authenticatorData (UP set) with the client data's hash. */
function approve(entry: UnsealedEntry, who: Custodian, role: Approval['role']): Approval {
  const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: approvalChallenge(entry), origin: KEYWARD_ORIGIN }));
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE((who.counter += 1));
  const authData = Buffer.concat([RP_ID_HASH, Buffer.from([0x01]), counter]);
  const signature = sign('sha256', Buffer.concat([authData, hash('sha256', clientData, 'buffer')]), { key: who.privateKey, dsaEncoding: 'der' });
  return { role, custodianId: who.id, credentialId: who.credentialId, clientDataJSON: clientData.toString('base64url'), authenticatorData: authData.toString('base64url'), signature: signature.toString('base64url') };
}

const check = (i: number) => ({ authenticatorId: i % 200, label: `YK-${String(i % 200).padStart(3, '0')}`, result: 'ok', findings: [], before: { signCount: i, pinRetries: 8 }, after: { signCount: i + 1, pinRetries: 8 }, drill: false });
const custody = (i: number, who: readonly Custodian[]) => ({
  authenticatorId: i % 200,
  label: `YK-${String(i % 200).padStart(3, '0')}`,
  custodianId: who[0]!.id,
  witnessId: who[1]!.id,
  reason: 'drill',
  ticket: `CHG-${i}`,
  brokenSeal: `TB-${i}`,
  sealIntact: true,
  expectedReturnAt: at(i + 60).recordedAt,
  noWitness: false,
  drill: false,
});

/** Writes the ledger of `entries` entries at `path`; with `approvals` false, its twin without any. */
export function approvedLedger(path: string, entries: number, approvals: boolean): { signatures: number } {
  const { db } = initDatabase(path, clock, actor);
  const who = [custodian(1, 'Alice Example'), custodian(2, 'Bob Example')];
  let signatures = 0;
  const founded = { kind: 'custodians.founded' as const, actors: [{ role: 'custodian' as const, name: who[0]!.name }, { role: 'witness' as const, name: who[1]!.name }], payload: { custodians: who.map((c) => ({ custodianId: c.id, name: c.name, credentialId: c.credentialId, publicKey: c.cose, aaguid: '00000000-0000-0000-0000-000000000000', model: 'bench key', drill: false })), drill: false } };
  db.transaction(() => {
    if (approvals) {
      const entry = prepareEntry(db, founded, at(1));
      appendPreparedEntry(db, entry, [approve(entry, who[0]!, 'custodian'), approve(entry, who[1]!, 'witness')]);
      signatures += 2;
    } else appendEntry(db, { ...founded, kind: 'presence.checked' }, at(1));
    for (let i = 2; i < entries; i += 1) {
      const signed = i % 10 === 0;
      const kind = !signed ? 'presence.checked' : i % 20 === 0 ? 'custody.checked_out' : 'custody.returned';
      const payload = signed ? custody(i, who) : check(i);
      if (!signed || !approvals) {
        appendEntry(db, { kind: signed ? 'presence.checked' : kind, actors: [actor], payload }, at(i));
        continue;
      }
      const entry = prepareEntry(db, { kind, actors: [{ role: 'custodian', name: who[0]!.name }, { role: 'witness', name: who[1]!.name }], payload }, at(i));
      appendPreparedEntry(db, entry, [approve(entry, who[0]!, 'custodian'), approve(entry, who[1]!, 'witness')]);
      signatures += 2;
    }
  })();
  db.close();
  return { signatures };
}
