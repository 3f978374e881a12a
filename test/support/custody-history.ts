import { hash, sign } from 'node:crypto';
import { findItem, sealItem } from '../../app/custody/custody';
import { approvalChallenge } from '../../app/ledger/approval-verification';
import { addAccount, addPlace, registerSeal } from '../../app/inventory/inventory';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource } from '../../app/presence/key-sources';
import { custodiansOf } from './circle';
import { timestamp, type Session } from '../../app/ports';
import type { Approval, UnsealedEntry } from '../../core/ledger/ledger';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { findCustodianByName } from '../../db/custodians';
import { findCustodianCredential, insertCheckout, loadCustodianDrillKey, recordReturn, setAuthenticatorState, setSealState } from '../../db/custody';
import { appendPreparedEntry, prepareEntry } from '../../db/ledger';
import { setItemSeal } from '../../db/seals';
import { loadCredential, type StoredCredential } from '../../native/authenticator/credentials';
import type { SoftwareAuthenticatorState } from '../../native/authenticator/ctap2-engine';

/**
 * A room as a report sees it after years: an account, a drill key YK-01 in the HQ safe, the
 * custodians Alice Example and Bob Example, and `transactions` checkouts and returns of the key.
 */
export async function roomWithHistory(session: Session, transactions: number): Promise<{ firstSeq: number; lastSeq: number }> {
  addAccount(session, { upn: 'bg1@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', label: 'Break glass 1' });
  addPlace(session, { name: 'HQ safe A', site: 'HQ' });
  await enrolKey(session, drillKeySource(session.db), { label: 'YK-01', place: 'HQ safe A', account: 'bg1@contoso.onmicrosoft.com' });
  await custodiansOf(session, drillKeySource(session.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
  registerSeal(session, { serial: 'S-0' });
  sealItem(session, { item: 'YK-01', serial: 'S-0' });
  return writeCustodyHistory(session, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', transactions });
}

/**
 * Years of drill checkouts and returns of one item, written as the custody use cases write them
 * (the same entries, signed by the custodians' own drill keys, and the same table changes) but
 * without a touch or a presence check per return: a database with 100,000 transactions that
 * verifies, in seconds rather than the hour the use cases would take. The item must be in the
 * safe under a recorded seal, and both custodians must have drill keys.
 */
export function writeCustodyHistory(session: Session, input: { item: string; custodian: string; witness: string; transactions: number; sealPrefix?: string }): { firstSeq: number; lastSeq: number } {
  const item = findItem(session, input.item);
  if (item.state !== 'in_safe' || !item.sealSerial) throw new Error(`${item.label} must be in the safe under a seal`);
  const custodian = signerFor(session, input.custodian);
  const witness = signerFor(session, input.witness);
  const prefix = input.sealPrefix ?? 'H';
  let seal = item.sealSerial;
  let firstSeq = 0;
  let lastSeq = 0;
  const checkoutId = session.db.prepare('SELECT id FROM checkouts WHERE checkout_seq = ?').pluck();
  session.db.transaction(() => {
    for (let i = 0; i < input.transactions; i += 2) {
      const next = `${prefix}-${String(i / 2 + 1).padStart(6, '0')}`;
      registerSeal(session, { serial: next });
      // Most checkouts are maintenance; every tenth is a drill of the sign-in.
      const reason = i % 20 === 0 ? 'drill' : 'maintenance';
      const checkout = approved(session, custodian, witness, {
        kind: 'custody.checked_out',
        actors: [{ role: 'custodian', name: custodian.name }, { role: 'witness', name: witness.name }],
        payload: { authenticatorId: item.id, label: item.label, custodianId: custodian.id, witnessId: witness.id, reason, ticket: `CHG-${100_000 + i / 2}`, expectedReturnAt: new Date(session.clock.now().getTime() + 4 * 3_600_000).toISOString(), brokenSeal: seal, recordedSeal: seal, sealMismatch: false, sealIntact: true, noWitness: false, drill: true },
      });
      insertCheckout(session.db, { authenticatorId: item.id, custodianId: custodian.id, witnessId: witness.id, reason, ticket: String(checkout.payload.ticket), expectedReturnAt: String(checkout.payload.expectedReturnAt), brokenSeal: seal, sealIntact: true, checkedOutAt: checkout.recordedAt, checkoutSeq: checkout.seq });
      setAuthenticatorState(session.db, item.id, 'checked_out');
      setSealState(session.db, seal, 'broken');
      setItemSeal(session.db, item.id, null);
      firstSeq ||= checkout.seq;
      lastSeq = checkout.seq;
      if (i + 1 >= input.transactions) break;
      const back = approved(session, witness, custodian, {
        kind: 'custody.returned',
        actors: [{ role: 'custodian', name: witness.name }, { role: 'witness', name: custodian.name }],
        payload: { authenticatorId: item.id, label: item.label, checkoutSeq: checkout.seq, custodianId: witness.id, witnessId: custodian.id, newSeal: next, presence: null, overdue: false, drill: true },
      });
      const open = checkoutId.get(checkout.seq) as number;
      recordReturn(session.db, open, { returnedAt: back.recordedAt, returnSeq: back.seq, returnSeal: next });
      setAuthenticatorState(session.db, item.id, 'in_safe');
      setSealState(session.db, next, 'sealing');
      setItemSeal(session.db, item.id, next);
      seal = next;
      lastSeq = back.seq;
    }
  })();
  return { firstSeq, lastSeq };
}

interface Signer {
  readonly id: number;
  readonly name: string;
  readonly credentialId: string;
  readonly sign: (data: Buffer) => Buffer;
  signCount: number;
}

function signerFor(session: Session, name: string): Signer {
  const custodian = findCustodianByName(session.db, name);
  const credential = custodian && findCustodianCredential(session.db, custodian.id);
  const state = custodian && (loadCustodianDrillKey(session.db, custodian.id) as SoftwareAuthenticatorState | undefined);
  const stored = state?.credentials.find((c: StoredCredential) => c.id === credential?.credentialId);
  if (!custodian || !credential || !state || !stored) throw new Error(`${name} has no drill key to sign with`);
  const { privateKey } = loadCredential(stored);
  return { id: custodian.id, name: custodian.name, credentialId: credential.credentialId, sign: (data) => sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }), signCount: state.signCount };
}

const RP_ID_HASH = hash('sha256', KEYWARD_RP_ID, 'buffer');

/** A WebAuthn assertion over the entry's challenge, as the custodian's key makes it when touched. */
function approval(entry: UnsealedEntry, signer: Signer, role: Approval['role']): Approval {
  const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: approvalChallenge(entry), origin: KEYWARD_ORIGIN, crossOrigin: false }));
  signer.signCount += 1;
  const authData = Buffer.alloc(37);
  RP_ID_HASH.copy(authData);
  authData[32] = 0x01;
  authData.writeUInt32BE(signer.signCount, 33);
  const signature = signer.sign(Buffer.concat([authData, hash('sha256', clientData, 'buffer')]));
  return { role, custodianId: signer.id, credentialId: signer.credentialId, clientDataJSON: clientData.toString('base64url'), authenticatorData: authData.toString('base64url'), signature: signature.toString('base64url') };
}

function approved(session: Session, custodian: Signer, witness: Signer, entry: Parameters<typeof prepareEntry>[1]) {
  const prepared = prepareEntry(session.db, entry, timestamp(session.clock));
  return appendPreparedEntry(session.db, prepared, [approval(prepared, custodian, 'custodian'), approval(prepared, witness, 'witness')]);
}
