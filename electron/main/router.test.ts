import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { CHANNEL_NAMES } from '../common/bridge';
import { CHANNELS } from '../common/channels';
import { HANDLERS } from './handlers';
import { createIpcRouter, type IpcRouter } from './router';
import { DrillTouchPad } from '../../app/presence/drill-touch';

const APP = { url: 'app://keyward/index.html' };

describe('the IPC router', () => {
  let s: ReturnType<typeof openTestSession>;
  let router: IpcRouter;
  let appended: string[];
  beforeEach(() => {
    s = openTestSession();
    appended = [];
    router = createIpcRouter({ session: s, trustedOrigin: 'app://keyward', onLedgerAppended: (c) => appended.push(c) });
  });
  afterEach(() => s.close());

  it('runs a use case and replies { ok: true, value }', async () => {
    const reply = await router.handle('account:add', ACCOUNT_1, APP);
    expect(reply).toEqual({ ok: true, value: expect.objectContaining({ upn: ACCOUNT_1.upn }) });
    expect(appended).toEqual(['account:add']);
    const inventory = await router.handle('inventory:list', {}, APP);
    expect(inventory).toMatchObject({ ok: true, value: { accounts: [{ upn: ACCOUNT_1.upn }] } });
    expect(await router.handle('ledger:verify', {}, APP)).toMatchObject({ ok: true, value: { ok: true, entries: 2 } });
  });

  it('passes the use case\'s field-specific error through', async () => {
    expect(await router.handle('account:add', { ...ACCOUNT_1, upn: 'nobody' }, APP)).toEqual({
      ok: false,
      error: { code: 'invalid_input', field: 'upn', message: expect.stringContaining('not a valid user principal name') },
    });
  });

  it('answers a waiting drill key on drill:touch, and refuses a bad answer or a touch nobody asked for', async () => {
    const pad = new DrillTouchPad();
    const withPad = createIpcRouter({ session: s, trustedOrigin: 'app://keyward', drillTouch: pad });
    expect(await withPad.handle('drill:touch', { answer: 'touched' }, APP)).toEqual({ ok: false, error: { code: 'not_found', field: 'answer', message: 'no drill key is waiting for a touch' } });
    const touched = pad.presenceFor('YK-01')();
    expect(await withPad.handle('drill:touch', { answer: 'yes' }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'answer' } });
    expect(await withPad.handle('drill:touch', { answer: 'touched', label: 'YK-02' }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await withPad.handle('drill:touch', { answer: 'touched' }, { url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(pad.waitingLabel).toBe('YK-01');
    expect(await withPad.handle('drill:touch', { answer: 'touched' }, APP)).toEqual({ ok: true, value: { label: 'YK-01' } });
    expect(await touched).toBe('touched');
    // A window without a pad (no drill keys) says so rather than failing inside.
    expect(await router.handle('drill:touch', { answer: 'touched' }, APP)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  describe('refuses, writes nothing and announces nothing', () => {
    it.each([
      ['a frame from another origin', 'account:add', ACCOUNT_1, { url: 'https://evil.example/' }, 'forbidden_sender', /refused/],
      ['a frame with no URL', 'account:add', ACCOUNT_1, { url: '' }, 'forbidden_sender', /unknown frame/],
      ['a file:// frame', 'account:add', ACCOUNT_1, { url: 'file:///tmp/index.html' }, 'forbidden_sender', /refused/],
      ['an unknown channel', 'account:delete', ACCOUNT_1, APP, 'unknown_channel', /no channel "account:delete"/],
      ['a channel that is not a string', 42, ACCOUNT_1, APP, 'unknown_channel', /no channel 42/],
      ['a prototype key as channel', '__proto__', {}, APP, 'unknown_channel', /no channel/],
      ['arguments that are not an object', 'account:add', 'bg1', APP, 'invalid_input', /expected object/],
      ['a field of the wrong type', 'account:add', { ...ACCOUNT_1, upn: 7 }, APP, 'invalid_input', /upn: .*expected string/],
      ['an extra field', 'account:add', { ...ACCOUNT_1, admin: true }, APP, 'invalid_input', /unexpected field\(s\) admin/],
      ['an over-long field', 'custodian:add', { name: 'x'.repeat(5000) }, APP, 'invalid_input', /name: /],
      ['a limit out of range', 'ledger:list', { limit: 10_000 }, APP, 'invalid_input', /limit: /],
    ])('%s', async (_name, channel, args, sender, code, message) => {
      const head = readHead(s.db);
      const reply = await router.handle(channel, args, sender);
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error.code).toBe(code);
      expect(reply.error.message).toMatch(message);
      expect(readHead(s.db)).toEqual(head);
      expect(appended).toEqual([]);
    });
  });

  it('hides internal failures behind a plain message and reports them to main', async () => {
    const seen: unknown[] = [];
    const broken = createIpcRouter({ session: s, trustedOrigin: 'app://keyward', onInternalError: (_c, e) => seen.push(e) });
    s.db.close();
    const reply = await broken.handle('inventory:list', {}, APP);
    expect(reply).toEqual({ ok: false, error: { code: 'internal_error', message: expect.stringContaining('nothing was changed') } });
    expect(seen).toHaveLength(1);
  });
});

describe('the channel map', () => {
  it('names the same channels in the bridge, the schemas and the handlers', () => {
    expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(CHANNELS).sort());
    expect(Object.keys(HANDLERS).sort()).toEqual(Object.keys(CHANNELS).sort());
  });
});
