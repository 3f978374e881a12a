import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { listCustodians } from '../../db/custodians';
import { openTestSession } from '../../test/support/session';
import { addCustodian } from '../inventory/inventory';
import { verifyStoredLedger } from '../ledger/ledger';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { enrolCustodianKey, foundCircle } from './circle';

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
});
