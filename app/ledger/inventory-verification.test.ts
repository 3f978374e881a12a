import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { custodiansOf } from '../../test/support/circle';
import { checkOut, returnItem, sealItem, type CustodySources } from '../custody/custody';
import { addAccount, addAuthenticator, addPlace, registerSeal } from '../inventory/inventory';
import { initDatabase } from '../keyward';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource } from '../presence/key-sources';
import { readStatus } from '../inventory/status';
import { verifyStoredLedger } from './ledger';

type TestSession = ReturnType<typeof openTestSession>;

describe('the inventory tables under verification: replayed from the ledger and compared row by row', () => {
  let s: TestSession;
  beforeEach(async () => {
    s = openTestSession();
    const sources: CustodySources = { custodianKeys: drillKeySource(s.db, { store: 'custodians' }), emergencyKeys: drillKeySource(s.db) };
    addAccount(s, ACCOUNT_1);
    addPlace(s, { name: 'HQ safe A', site: 'HQ' });
    addAuthenticator(s, { kind: 'fido2', label: 'YK-00', place: 'HQ safe A', account: ACCOUNT_1.upn });
    await custodiansOf(s, sources.custodianKeys, ['Alice Example', 'Bob Example', 'Carol Example']);
    await enrolKey(s, sources.emergencyKeys, { label: 'YK-01', place: 'HQ safe A' });
    for (const serial of ['S-1', 'S-2', 'S-3']) registerSeal(s, { serial });
    sealItem(s, { item: 'YK-01', serial: 'S-1' });
    await checkOut(s, sources, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'drill', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true });
    await returnItem(s, sources, { item: 'YK-01', custodian: 'Bob Example', witness: 'Alice Example', newSeal: 'S-2' });
    s.db.close();
  });
  afterEach(() => s.close());

  /** Edits the file as an attacker would (no ledger entry), reopens it, and verifies. */
  function editAndVerify(edit: string) {
    tamper(s.path, (db) => db.exec(edit));
    const { db } = initDatabase(s.path, s.clock, s.actor);
    try {
      return { verification: verifyStoredLedger(db), status: readStatus(db) };
    } finally {
      db.close();
    }
  }

  it('verifies a database whose every table agrees with its ledger', () => {
    expect(editAndVerify('SELECT 1').verification).toMatchObject({ ok: true });
  });

  it.each([
    ["an account's object id", "UPDATE accounts SET object_id = '00000000-0000-0000-0000-000000000bad'", /account 1 \(bg1@contoso\.onmicrosoft\.com\): objectId is "00000000-0000-0000-0000-000000000bad" in the table but "3f2504e0-4f89-11d3-9a0c-0305e82c3301" by the ledger/],
    ["an authenticator's state", "UPDATE authenticators SET state = 'lost' WHERE label = 'YK-01'", /authenticator 2 \(YK-01\): state is "lost" in the table but "in_safe" by the ledger/],
    ['the seal an item is under', "UPDATE authenticators SET seal_serial = 'S-3' WHERE label = 'YK-01'", /sealSerial is "S-3" in the table but "S-2" by the ledger/],
    ["an item's account binding", "UPDATE authenticators SET account_id = NULL WHERE label = 'YK-00'", /authenticator 1 \(YK-00\): account is null in the table but "bg1@contoso\.onmicrosoft\.com" by the ledger/],
    ['a custodian deactivated outside the ledger', "UPDATE custodians SET active = 0 WHERE name = 'Carol Example'", /custodian 3 \(Carol Example\): active is false in the table but true by the ledger/],
    ["a custodian's key replaced", "UPDATE custodian_credentials SET public_key = 'pQECAyYgASFYIA' WHERE custodian_id = 1", /custodian 1 \(Alice Example\): publicKey is "pQECAyYgASFYIA" in the table but/],
    ['a custodian slipped in', "INSERT INTO custodians (name, created_at) VALUES ('Eve Intruder', '2026-01-01T00:00:00.000Z')", /custodian 4 \(Eve Intruder\) is in the table but no ledger entry made it/],
    ['a seal state', "UPDATE seals SET state = 'unused' WHERE serial = 'S-1'", /seal S-1: state is "unused" in the table but "broken" by the ledger/],
    ['a checkout erased', 'DELETE FROM checkouts', /checkout of entry \d+ is in the ledger but missing from the table/],
  ])('names %s edited in the file, and status says the ledger does not verify', (_what, edit, message) => {
    const { verification, status } = editAndVerify(edit);
    expect(verification).toMatchObject({ ok: false, reason: 'inventory_mismatch', message: expect.stringMatching(message) });
    expect(status.findings.ledgerVerified).toBe(false);
    expect(status.findings.findings[0]).toMatchObject({ kind: 'ledger-unverified', severity: 'critical' });
  });
});
