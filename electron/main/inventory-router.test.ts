import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAuthenticator, addPlace } from '../../app/inventory/inventory';
import { readHead } from '../../db/ledger';
import { openTestSession } from '../../test/support/session';
import { createIpcRouter, type IpcRouter } from './router';

const APP = { url: 'app://keyward/index.html' };

describe('the inventory over IPC, a page at a time', () => {
  let s: ReturnType<typeof openTestSession>;
  let router: IpcRouter;
  let appended: string[];
  beforeEach(() => {
    s = openTestSession();
    appended = [];
    router = createIpcRouter({ session: s, trustedOrigin: 'app://keyward', onLedgerAppended: (c) => appended.push(c) });
    s.db.transaction(() => {
      addPlace(s, { name: 'Safe 1' });
      for (let i = 1; i <= 60; i += 1) addAuthenticator(s, { kind: i % 4 === 0 ? 'smartcard' : 'fido2', label: `YK-${String(i).padStart(3, '0')}`, place: i % 2 ? 'Safe 1' : undefined });
    })();
  });
  afterEach(() => s.close());

  it('answers the page asked for with the counts, and the overview without a single authenticator', async () => {
    const reply = await router.handle('inventory:authenticators', { kind: 'fido2', text: 'safe 1', sort: 'label', offset: 20, limit: 20 }, APP);
    expect(reply).toMatchObject({ ok: true, value: { offset: 20, limit: 20, matching: 30, total: 60 } });
    if (!reply.ok) return;
    const page = (reply.value as { authenticators: { label: string }[] }).authenticators;
    expect(page.map((a) => a.label)).toEqual(['YK-041', 'YK-043', 'YK-045', 'YK-047', 'YK-049', 'YK-051', 'YK-053', 'YK-055', 'YK-057', 'YK-059']);
    expect(await router.handle('inventory:overview', {}, APP)).toMatchObject({ ok: true, value: { authenticators: { total: 60, byKind: { fido2: 45, smartcard: 15 } }, places: [{ name: 'Safe 1' }] } });
    const items = await router.handle('inventory:items', {}, APP);
    expect(items).toMatchObject({ ok: true, value: expect.arrayContaining([{ id: expect.any(Number), label: 'YK-004', kind: 'smartcard', state: 'in_safe', simulated: false, enrolled: false, sealSerial: null }]) });
    expect(items.ok && (items.value as unknown[]).length).toBe(60);
    expect(appended).toEqual([]);
  });

  describe('refuses a request of the wrong shape or value, naming the field, and changes nothing', () => {
    it.each([
      ['an extra field', { offset: 0, everything: true }, 'everything', /unexpected field\(s\) everything for inventory:authenticators/],
      ['an offset as text', { offset: '50' }, 'offset', /offset: .*expected number/],
      ['a fractional offset', { offset: 0.5 }, 'offset', /offset: .*expected int/],
      ['an infinite limit', { limit: Infinity }, 'limit', /limit: /],
      ['a negative offset', { offset: -50 }, 'offset', /whole number of authenticators from 0/],
      ['a limit of a thousand', { limit: 1000 }, 'limit', /a page holds from 1 to 200 authenticators \(got 1000\)/],
      ['a limit of none', { limit: 0 }, 'limit', /from 1 to 200/],
      ['an unknown state', { state: 'everywhere' }, 'state', /the state must be one of in_safe, checked_out, lost, retired/],
      ['an unknown kind', { kind: 'yubikey' }, 'kind', /the kind must be one of fido2, smartcard/],
      ['an unknown order', { sort: 'created' }, 'sort', /the order must be one of label, place, last-check/],
      ['a search that is not text', { text: ['YK'] }, 'text', /text: .*expected string/],
      ['an over-long search', { text: 'Y'.repeat(201) }, 'text', /text: /],
      ['arguments that are not an object', 'page 2', undefined, /expected object/],
      ['arguments to the overview', { all: true }, 'all', /unexpected field\(s\) all for inventory:overview/],
      ['arguments to the item choices', { drill: true }, 'drill', /unexpected field\(s\) drill for inventory:items/],
    ])('%s', async (_name, args, field, message) => {
      const head = readHead(s.db);
      const channel = field === 'all' ? 'inventory:overview' : field === 'drill' ? 'inventory:items' : 'inventory:authenticators';
      const reply = await router.handle(channel, args, APP);
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error).toMatchObject({ code: 'invalid_input', ...(field && { field }) });
      expect(reply.error.message).toMatch(message);
      expect(readHead(s.db)).toEqual(head);
      expect(appended).toEqual([]);
    });
  });

  it('refuses a page to a frame from another origin', async () => {
    expect(await router.handle('inventory:authenticators', {}, { url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });
});
