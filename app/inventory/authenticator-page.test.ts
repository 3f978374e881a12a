import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../core/errors';
import { readHead } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { authenticatorPage, inventoryOverview, itemChoices } from './authenticator-page';
import { addAuthenticator, addPlace, listInventory } from './inventory';

type TestSession = ReturnType<typeof openTestSession>;

/** 120 items: every fifth a smartcard, spread over three places, labelled in the order they were added. */
function room(s: TestSession): void {
  s.db.transaction(() => {
    for (const name of ['Safe 1', 'Safe 2', 'Safe 3']) addPlace(s, { name, site: 'HQ' });
    for (let i = 1; i <= 120; i += 1) {
      addAuthenticator(s, { kind: i % 5 === 0 ? 'smartcard' : 'fido2', label: `YK-${String(i).padStart(4, '0')}`, serial: String(20_000_000 + i), place: `Safe ${(i % 3) + 1}` });
    }
  })();
}

const labels = (page: { authenticators: readonly { label: string }[] }) => page.authenticators.map((a) => a.label);

describe('the authenticators a page at a time', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
    room(s);
  });
  afterEach(() => s.close());

  it('answers fifty by label with the counts, and the same item as the whole list', () => {
    const page = authenticatorPage(s);
    expect(page).toMatchObject({ offset: 0, limit: 50, matching: 120, total: 120 });
    expect(labels(page)).toEqual(listInventory(s).authenticators.slice(0, 50).map((a) => a.label));
    expect(page.authenticators[0]).toEqual(listInventory(s).authenticators[0]);
  });

  it('walks to the last, shorter page, and answers an empty page past the end with the counts', () => {
    const pages = [0, 50, 100].map((offset) => authenticatorPage(s, { offset, limit: 50 }));
    expect(pages.map((p) => p.authenticators.length)).toEqual([50, 50, 20]);
    expect(pages.flatMap(labels)).toEqual(listInventory(s).authenticators.map((a) => a.label));
    expect(labels(authenticatorPage(s, { offset: 119, limit: 50 }))).toEqual(['YK-0120']);
    expect(authenticatorPage(s, { offset: 120, limit: 50 })).toEqual({ authenticators: [], offset: 120, limit: 50, matching: 120, total: 120 });
    expect(authenticatorPage(s, { offset: 5000 }).authenticators).toEqual([]);
    expect(labels(authenticatorPage(s, { offset: 0, limit: 1 }))).toEqual(['YK-0001']);
    expect(authenticatorPage(s, { limit: 200 }).authenticators).toHaveLength(120);
  });

  it('pages through what a search and filters match, counting the matches apart from the total', () => {
    const matches = listInventory(s).authenticators.filter((a) => a.kind === 'fido2' && a.placeName === 'Safe 2').map((a) => a.label);
    expect(matches).toHaveLength(32);
    const filter = { text: 'safe 2', kind: 'fido2' };
    const pages = [0, 10, 20, 30].map((offset) => authenticatorPage(s, { ...filter, offset, limit: 10 }));
    expect(pages.map((p) => p.authenticators.length)).toEqual([10, 10, 10, 2]);
    expect(pages.flatMap(labels)).toEqual(matches);
    expect(pages.every((p) => p.matching === 32 && p.total === 120)).toBe(true);
    expect(authenticatorPage(s, { ...filter, offset: 32, limit: 10 })).toMatchObject({ authenticators: [], matching: 32, total: 120 });

    // A search finds a serial, a state narrows too, and a search nothing matches answers no page.
    expect(labels(authenticatorPage(s, { text: '20000077' }))).toEqual(['YK-0077']);
    s.db.prepare("UPDATE authenticators SET state = 'lost' WHERE label IN ('YK-0003', 'YK-0010', 'YK-0011')").run();
    expect(authenticatorPage(s, { state: 'lost', kind: 'smartcard' })).toMatchObject({ matching: 1, authenticators: [{ label: 'YK-0010' }] });
    expect(authenticatorPage(s, { text: 'no such key' })).toMatchObject({ authenticators: [], matching: 0, total: 120 });
  });

  it('orders by place, and by the longest unchecked first, without an item on two pages', () => {
    const byPlace = [0, 50, 100].flatMap((offset) => authenticatorPage(s, { sort: 'place', offset }).authenticators);
    expect(new Set(byPlace.map((a) => a.id)).size).toBe(120);
    expect(byPlace.map((a) => a.placeName)).toEqual([...byPlace.map((a) => a.placeName)].sort());
    expect(byPlace[0]!.label).toBe('YK-0003');
    const byCheck = authenticatorPage(s, { sort: 'last-check', limit: 3 });
    expect(labels(byCheck)).toEqual(['YK-0001', 'YK-0002', 'YK-0003']);
  });

  it('counts the items by state and kind beside the accounts, custodians, places and seals', () => {
    s.db.prepare("UPDATE authenticators SET state = 'retired' WHERE label = 'YK-0005'").run();
    const overview = inventoryOverview(s);
    expect(overview.authenticators).toEqual({ total: 120, byState: { in_safe: 119, retired: 1 }, byKind: { fido2: 96, smartcard: 24 } });
    expect(overview.places.map((p) => p.name)).toEqual(['Safe 1', 'Safe 2', 'Safe 3']);
    expect(overview).not.toHaveProperty('authenticators.0');
  });

  it('lists every item to choose from with a few fields, the same items as the inventory', () => {
    s.db.prepare("UPDATE authenticators SET seal_serial = 'S-7' WHERE label = 'YK-0002'").run();
    const choices = itemChoices(s);
    expect(choices.map((c) => c.label)).toEqual(listInventory(s).authenticators.map((a) => a.label));
    expect(choices[1]).toEqual({ id: expect.any(Number), label: 'YK-0002', kind: 'fido2', state: 'in_safe', simulated: false, enrolled: false, sealSerial: 'S-7' });
  });

  describe('refuses a bad request with its field named, and changes nothing', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['a negative offset', { offset: -1 }, 'offset', /whole number of authenticators from 0 .* \(got -1\)/],
      ['a fractional offset', { offset: 1.5 }, 'offset', /whole number/],
      ['an offset as text', { offset: '50' }, 'offset', /whole number/],
      ['an empty page', { limit: 0 }, 'limit', /from 1 to 200 authenticators \(got 0\)/],
      ['a page too large', { limit: 201 }, 'limit', /from 1 to 200/],
      ['an unknown state', { state: 'stolen' }, 'state', /one of in_safe, checked_out, lost, retired \(got "stolen"\)/],
      ['an unknown kind', { kind: 'usb' }, 'kind', /one of fido2, smartcard \(got "usb"\)/],
      ['an unknown order', { sort: 'serial' }, 'sort', /one of label, place, last-check/],
      ['a search that is not text', { text: 7 }, 'text', /must be text/],
      ['an over-long search', { text: 'x'.repeat(101) }, 'text', /101 characters long; at most 100/],
      ['a search with a control character', { text: 'YK\u0000' }, 'text', /control or invisible/],
    ];
    it.each(cases)('%s', (_name, input, field, message) => {
      const head = readHead(s.db);
      let error: unknown;
      try {
        authenticatorPage(s, input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KeywardError);
      expect(error).toMatchObject({ code: 'invalid_input', field });
      expect((error as Error).message).toMatch(message);
      expect(readHead(s.db)).toEqual(head);
    });
  });
});
