import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../core/errors';
import { readHead, verifyLedger } from '../../db/ledger';
import { ACCOUNT_1, ACCOUNT_2, openTestSession } from '../../test/support/session';
import { addAccount, addAuthenticator, addCustodian, addPlace, listInventory, registerSeal } from './inventory';

type TestSession = ReturnType<typeof openTestSession>;

function expectRefused(action: () => unknown, code: KeywardError['code'], field: string, message: RegExp) {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the use case to refuse').toBeInstanceOf(KeywardError);
  expect((error as KeywardError).code).toBe(code);
  expect((error as KeywardError).field).toBe(field);
  expect((error as KeywardError).message).toMatch(message);
}

describe('inventory use cases', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('writes each change and its ledger entry together', () => {
    const account = addAccount(s, { ...ACCOUNT_1, upn: ' BG1@Contoso.onmicrosoft.com ' });
    expect(account.upn).toBe('bg1@contoso.onmicrosoft.com');
    addPlace(s, { name: 'HQ safe A', site: 'HQ', safe: 'A', slot: '3' });
    const key = addAuthenticator(s, { kind: 'fido2', label: 'YK-01', serial: '1234', place: 'HQ safe A', account: ACCOUNT_1.upn });
    expect(key).toMatchObject({ state: 'in_safe', placeName: 'HQ safe A', accountUpn: ACCOUNT_1.upn });
    addCustodian(s, { name: 'Alice Example' });
    registerSeal(s, { serial: 'tb-000123' });
    const kinds = s.db.prepare('SELECT kind FROM ledger_entries ORDER BY seq').pluck().all();
    expect(kinds).toEqual(['ledger.created', 'account.added', 'place.added', 'authenticator.added', 'custodian.added', 'seal.registered']);
    const payload = (JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'authenticator.added'").pluck().get() as string) as { payload: unknown }).payload;
    expect(payload).toEqual({ authenticatorId: key.id, kind: 'fido2', label: 'YK-01', serial: '1234', place: 'HQ safe A', account: ACCOUNT_1.upn, state: 'in_safe' });
    expect(listInventory(s).seals[0]!.serial).toBe('TB-000123');
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  describe('refuses bad input with a specific error and changes nothing', () => {
    const cases: [string, (s: TestSession) => unknown, KeywardError['code'], string, RegExp][] = [
      ['an account without a UPN', (s) => addAccount(s, { objectId: ACCOUNT_1.objectId }), 'invalid_input', 'upn', /user principal name is required/],
      ['a UPN without a domain', (s) => addAccount(s, { ...ACCOUNT_1, upn: 'breakglass' }), 'invalid_input', 'upn', /"breakglass" is not a valid user principal name/],
      ['an object id that is not a GUID', (s) => addAccount(s, { ...ACCOUNT_1, objectId: '1234' }), 'invalid_input', 'objectId', /not an Entra object id/],
      ['a label with a control character', (s) => addAccount(s, { ...ACCOUNT_1, label: 'a\u0007b' }), 'invalid_input', 'label', /control character/],
      ['a label that is not text', (s) => addAccount(s, { ...ACCOUNT_1, label: 42 }), 'invalid_input', 'label', /must be text/],
      ['an over-long place name', (s) => addPlace(s, { name: 'x'.repeat(81) }), 'invalid_input', 'name', /81 characters long; at most 80/],
      ['an unknown authenticator kind', (s) => addAuthenticator(s, { kind: 'usb', label: 'K' }), 'invalid_input', 'kind', /one of fido2, smartcard \(got "usb"\)/],
      ['a key in a place that does not exist', (s) => addAuthenticator(s, { kind: 'fido2', label: 'K', place: 'Nowhere' }), 'not_found', 'place', /no storage place named "Nowhere"/],
      ['a key bound to an unknown account', (s) => addAuthenticator(s, { kind: 'fido2', label: 'K', account: 'x@y.onmicrosoft.com' }), 'not_found', 'account', /no emergency account/],
      ['a custodian without a name', (s) => addCustodian(s, { name: '   ' }), 'invalid_input', 'name', /name is required/],
      ['a seal serial with spaces', (s) => registerSeal(s, { serial: 'TB 1' }), 'invalid_input', 'serial', /not a seal serial/],
    ];
    it.each(cases)('%s', (_name, action, code, field, message) => {
      const head = readHead(s.db);
      expectRefused(() => action(s), code, field, message);
      expect(readHead(s.db)).toEqual(head);
      const inventory = listInventory(s);
      expect(Object.values(inventory).every((list) => list.length === 0)).toBe(true);
    });
  });

  it('refuses duplicates with the field that clashes', () => {
    addAccount(s, ACCOUNT_1);
    expectRefused(() => addAccount(s, { ...ACCOUNT_1, objectId: '11111111-2222-3333-4444-555555555555' }), 'conflict', 'upn', /already in the inventory/);
    expectRefused(() => addAccount(s, { ...ACCOUNT_1, upn: 'other@contoso.onmicrosoft.com' }), 'conflict', 'objectId', /already belongs/);
    addCustodian(s, { name: 'Alice' });
    expectRefused(() => addCustodian(s, { name: 'ALICE' }), 'conflict', 'name', /already exists/);
    registerSeal(s, { serial: 'TB-1' });
    expectRefused(() => registerSeal(s, { serial: 'tb-1' }), 'conflict', 'serial', /never reused/);
    expect(readHead(s.db).seq).toBe(4);
  });

  it('rolls the inventory change back when its ledger entry cannot be written', () => {
    s.db.exec("CREATE TRIGGER test_ledger_fails BEFORE INSERT ON ledger_entries BEGIN SELECT RAISE(ABORT, 'disk said no'); END;");
    expect(() => addAccount(s, ACCOUNT_1)).toThrow(/disk said no/);
    expect(listInventory(s).accounts).toEqual([]);
    s.db.exec('DROP TRIGGER test_ledger_fails');
    expect(addAccount(s, ACCOUNT_1).upn).toBe(ACCOUNT_1.upn);
  });

  describe('names as they are printed: nothing invisible, nothing that passes for another name', () => {
    /** Refused at `field` with a message matching `message`, and nothing written: the ledger head and the inventory unchanged. */
    function refusedUnchanged(action: () => unknown, code: KeywardError['code'], field: string, message: RegExp) {
      const head = readHead(s.db);
      const before = listInventory(s);
      expectRefused(action, code, field, message);
      expect(readHead(s.db)).toEqual(head);
      expect(listInventory(s)).toEqual(before);
    }
    const storedCustodianName = () => (JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'custodian.added'").pluck().get() as string) as { payload: { name: string } }).payload.name;

    it('refuses a custodian name with a right-to-left override (U+202E)', () => {
      refusedUnchanged(() => addCustodian(s, { name: 'Alice \u202eelpmaxE' }), 'invalid_input', 'name', /name contains U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/);
    });

    it('refuses a custodian name with a zero-width space', () => {
      refusedUnchanged(() => addCustodian(s, { name: 'Alice\u200b Example' }), 'invalid_input', 'name', /name contains U\+200B \(ZERO WIDTH SPACE\)/);
    });

    it('refuses a custodian name that starts with a byte order mark', () => {
      refusedUnchanged(() => addCustodian(s, { name: '\ufeffAlice Example' }), 'invalid_input', 'name', /name contains U\+FEFF .*byte order mark/);
    });

    it('accepts a name with double spaces and stores it single-spaced', () => {
      expect(addCustodian(s, { name: '  Alice   Example ' }).name).toBe('Alice Example');
      expect(listInventory(s).custodians.map((c) => c.name)).toEqual(['Alice Example']);
      expect(storedCustodianName()).toBe('Alice Example');
      refusedUnchanged(() => addCustodian(s, { name: 'Alice  Example' }), 'conflict', 'name', /already exists/);
    });

    it('stores a name typed in NFD as NFC', () => {
      expect(addCustodian(s, { name: 'Jose\u0301 Mu\u0308ller' }).name).toBe('Jos\u00e9 M\u00fcller');
      expect(storedCustodianName()).toBe('Jos\u00e9 M\u00fcller');
      refusedUnchanged(() => addCustodian(s, { name: 'Jos\u00e9 M\u00fcller' }), 'conflict', 'name', /already exists/);
    });

    it('refuses a Cyrillic look-alike of "Alice Example" as a custodian, naming "Alice Example"', () => {
      addCustodian(s, { name: 'Alice Example' });
      refusedUnchanged(() => addCustodian(s, { name: '\u0410lic\u0435 Example' }), 'conflict', 'name', /looks like the custodian Alice Example \(U\+0410, U\+0435 are look-alikes/);
      refusedUnchanged(() => addCustodian(s, { name: 'alice example' }), 'conflict', 'name', /already exists/);
      expect(addCustodian(s, { name: 'Alice Exemplar' }).name).toBe('Alice Exemplar');
    });

    it('refuses an account whose label is a Cyrillic look-alike of another account\'s, naming that label', () => {
      addAccount(s, ACCOUNT_1);
      refusedUnchanged(() => addAccount(s, { ...ACCOUNT_2, label: 'Br\u0435ak gl\u0430ss 1' }), 'conflict', 'label', /looks like "Break glass 1", the label of bg1@contoso\.onmicrosoft\.com/);
      expect(addAccount(s, ACCOUNT_2).label).toBe('Break glass 2');
    });

    it('refuses an account whose UPN can be taken for another\'s (a letter l for the digit 1), naming it', () => {
      addAccount(s, ACCOUNT_1);
      refusedUnchanged(() => addAccount(s, { ...ACCOUNT_2, upn: 'bgl@contoso.onmicrosoft.com' }), 'conflict', 'upn', /looks like the emergency account bg1@contoso\.onmicrosoft\.com \(U\+006C is a look-alike/);
    });

    it('refuses a UPN or an account label with a right-to-left override', () => {
      refusedUnchanged(() => addAccount(s, { ...ACCOUNT_1, upn: 'bg1@contoso\u202e.onmicrosoft.com' }), 'invalid_input', 'upn', /upn contains U\+202E/);
      refusedUnchanged(() => addAccount(s, { ...ACCOUNT_1, label: 'Break \u202eglass' }), 'invalid_input', 'label', /label contains U\+202E/);
    });
  });
});
