import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendPreparedEntry, prepareEntry, readHead } from '../../db/ledger';
import { findCustodianCredential, loadCustodianDrillKey, saveCustodianDrillKey } from '../../db/custody';
import { timestamp } from '../ports';
import { collectApproval, collectApprovalWith } from './custodian-keys';
import { listCustodians } from '../../db/custodians';
import { openTestSession } from '../../test/support/session';
import { addCustodian } from '../inventory/inventory';
import { verifyStoredLedger } from '../ledger/ledger';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { enrolCustodianKey, foundCircle, replaceCustodianKey } from './circle';

type TestSession = ReturnType<typeof openTestSession>;

describe('custodian names in the circle of trust', () => {
  let s: TestSession;
  let keys: KeySource;
  beforeEach(() => {
    s = openTestSession();
    keys = drillKeySource(s.db, { store: 'custodians' });
  });
  afterEach(() => s.close());

  /** The use case is refused with `message`, and nothing is written: the ledger head and the custodians unchanged. */
  async function refusedUnchanged(action: () => Promise<unknown>, message: RegExp) {
    const head = readHead(s.db);
    const custodians = listCustodians(s.db);
    await expect(action()).rejects.toThrow(message);
    expect(readHead(s.db)).toEqual(head);
    expect(listCustodians(s.db)).toEqual(custodians);
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  }
  const found = () => foundCircle(s, keys, { first: 'Alice Example', second: 'Bob Example' });

  it('refuses to found the circle with a second founder who looks like the first', async () => {
    await refusedUnchanged(() => foundCircle(s, keys, { first: 'Alice Example', second: '\u0410lic\u0435 Example' }), /looks like the first custodian, Alice Example/);
  });

  it('refuses to found the circle with a founder who looks like a custodian already named', async () => {
    addCustodian(s, { name: 'Alice Example' });
    await refusedUnchanged(() => foundCircle(s, keys, { first: 'Bob Example', second: '\u0410lic\u0435 Example' }), /looks like the custodian Alice Example/);
  });

  it('refuses to found the circle with a right-to-left override in a name', async () => {
    await refusedUnchanged(() => foundCircle(s, keys, { first: 'Alice Example', second: 'Bob \u202eelpmaxE' }), /second contains U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/);
  });

  it('refuses to enrol a Cyrillic look-alike of "Alice Example", naming "Alice Example"', async () => {
    await found();
    await refusedUnchanged(() => enrolCustodianKey(s, keys, { name: '\u0410lic\u0435 Example', approvers: ['Alice Example', 'Bob Example'] }), /"\u0410lic\u0435 Example" looks like the custodian Alice Example/);
  });

  it('refuses to enrol a name with a zero-width space or a byte order mark', async () => {
    await found();
    await refusedUnchanged(() => enrolCustodianKey(s, keys, { name: 'Carol\u200b Example', approvers: ['Alice Example', 'Bob Example'] }), /name contains U\+200B/);
    await refusedUnchanged(() => enrolCustodianKey(s, keys, { name: '\ufeffCarol Example', approvers: ['Alice Example', 'Bob Example'] }), /name contains U\+FEFF/);
  });

  it('enrols a double-spaced, NFD name single-spaced and as NFC, and finds its approver by either spelling', async () => {
    await found();
    const joined = await enrolCustodianKey(s, keys, { name: ' Zoe\u0308   Example ', approvers: ['Alice  Example', 'Bob Example'] });
    expect(joined.name).toBe('Zo\u00eb Example');
    expect(listCustodians(s.db).map((c) => c.name)).toContain('Zo\u00eb Example');
  });

  it('still enrols the key of a custodian named before, under that name', async () => {
    addCustodian(s, { name: 'Carol Example' });
    await found();
    const carol = await enrolCustodianKey(s, keys, { name: 'Carol Example', approvers: ['Alice Example', 'Bob Example'] });
    expect(carol).toMatchObject({ name: 'Carol Example', key: 'drill' });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('replaces a custodian\'s key with two other custodians\' approval; the old key approves nothing afterwards', async () => {
    await found();
    await enrolCustodianKey(s, keys, { name: 'Carol Example', approvers: ['Alice Example', 'Bob Example'] });
    const approvers = ['Alice Example', 'Bob Example'];
    const carolKey = () => s.db.prepare("SELECT credential_id FROM custodian_credentials c JOIN custodians p ON p.id = c.custodian_id WHERE p.name = 'Carol Example'").pluck().get();
    const before = carolKey();
    await refusedUnchanged(() => replaceCustodianKey(s, keys, { name: 'Carol Example', reason: 'lost', approvers: ['Carol Example', 'Bob Example'] }), /Carol Example cannot approve a change about themselves/);
    await refusedUnchanged(() => replaceCustodianKey(s, keys, { name: 'Carol Example', approvers }), /reason/);
    await replaceCustodianKey(s, keys, { name: 'Carol Example', reason: 'lost on the train', approvers });
    expect(carolKey()).not.toBe(before);
    expect(verifyStoredLedger(s.db).ok).toBe(true);
    const last = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'custodian.key_replaced'").pluck().get() as string) as { payload: { previousCredentialId: string } };
    expect(last.payload.previousCredentialId).toBe(before);
  });

  it('fails verification of an approval made with a replaced key, written into the file', async () => {
    await found();
    await enrolCustodianKey(s, keys, { name: 'Carol Example', approvers: ['Alice Example', 'Bob Example'] });
    const carol = listCustodians(s.db).find((c) => c.name === 'Carol Example')!;
    const oldCredential = findCustodianCredential(s.db, carol.id)!;
    const oldKey = loadCustodianDrillKey(s.db, carol.id);
    await replaceCustodianKey(s, keys, { name: 'Carol Example', reason: 'lost', approvers: ['Alice Example', 'Bob Example'] });
    // Whoever kept the old key signs a change with it.
    saveCustodianDrillKey(s.db, 999, oldKey);
    const oldKeySource: KeySource = { simulated: true, open: (target) => keys.open({ ...target, authenticatorId: 999 }) };
    const alice = listCustodians(s.db).find((c) => c.name === 'Alice Example')!;
    const prepared = prepareEntry(s.db, { kind: 'custodian.deactivated', actors: [s.actor], payload: { custodianId: alice.id, name: alice.name, reason: 'x', validationDue: true, drill: true } }, timestamp(s.clock));
    const first = await collectApprovalWith(oldKeySource, carol, oldCredential, prepared, 'custodian');
    const second = await collectApproval(s, keys, listCustodians(s.db).find((c) => c.name === 'Bob Example')!, prepared, 'witness');
    const entry = appendPreparedEntry(s.db, prepared, [first.approval, second.approval]);
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: entry.seq, message: expect.stringMatching(/made with a key no custodian enrolled/) });
  });
});
