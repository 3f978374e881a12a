import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHead } from '../../db/ledger';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { CHANNEL_NAMES } from '../common/bridge';
import { CHANNELS } from '../common/channels';
import { HANDLERS } from './handlers';
import { createIpcRouter, type IpcRouter } from './router';
import { DrillTouchPad } from '../../app/presence/drill-touch';
import { custodiansOf } from '../../test/support/circle';
import { checkOut } from '../../app/custody/custody';
import { registerSeal } from '../../app/inventory/inventory';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource, type KeySource } from '../../app/presence/key-sources';
import type { Finding } from '../../core/findings/finding';

const APP = { url: 'app://keyward/index.html' };
const RESOLUTION = { id: 'seal-not-intact:9', custodian: 'Alice Example', witness: 'Bob Example', reason: 'INC-12: bag torn in transit' };
/** Software keys recorded as real hardware (this machine has none). */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });
/** A key source that fails the test if the handler opens it. */
const forbidden = (which: string) => (): KeySource => {
  throw new Error(`the handler opened the ${which} keys`);
};

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
      ['a resolution that picks its own keys', 'findings:resolve', { ...RESOLUTION, simulated: true }, APP, 'invalid_input', /unexpected field\(s\) simulated/],
      ['a resolution with a choice that does not exist', 'findings:resolve', { ...RESOLUTION, choice: 'ignore' }, APP, 'invalid_input', /choice: /],
      ['a resolution without a reason', 'findings:resolve', { id: RESOLUTION.id, custodian: 'Alice Example', witness: 'Bob Example' }, APP, 'invalid_input', /reason: /],
      ['an over-long reason', 'findings:resolve', { ...RESOLUTION, reason: 'x'.repeat(501) }, APP, 'invalid_input', /reason: /],
      ['an over-long finding id', 'findings:resolve', { ...RESOLUTION, id: 'x'.repeat(201) }, APP, 'invalid_input', /id: /],
      ['a findings list with an extra field', 'findings:list', { all: true, drill: true }, APP, 'invalid_input', /unexpected field\(s\) drill/],
      ['a findings list with all as text', 'findings:list', { all: 'yes' }, APP, 'invalid_input', /all: /],
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

describe('findings over IPC', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  /** A drill item and a real one, each checked out from a torn seal: one drill finding, one real. */
  async function twoTornSeals() {
    const drillCustodians = drillKeySource(s.db, { store: 'custodians' });
    const realCustodians = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    await custodiansOf(s, drillCustodians, ['Alice Example', 'Bob Example']);
    await custodiansOf(s, realCustodians, ['Carol Example', 'Dan Example']);
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-DRILL' });
    await enrolKey(s, standInForHardware(drillKeySource(s.db)), { label: 'YK-REAL' });
    for (const serial of ['S-1', 'S-2']) registerSeal(s, { serial });
    const checkout = { reason: 'drill', expectedReturn: '8h', sealIntact: false };
    await checkOut(s, { custodianKeys: drillCustodians, emergencyKeys: drillKeySource(s.db) }, { ...checkout, item: 'YK-DRILL', custodian: 'Alice Example', witness: 'Bob Example', brokenSeal: 'S-1' });
    await checkOut(s, { custodianKeys: realCustodians, emergencyKeys: standInForHardware(drillKeySource(s.db)) }, { ...checkout, item: 'YK-REAL', custodian: 'Carol Example', witness: 'Dan Example', brokenSeal: 'S-2' });
    return { drillCustodians, realCustodians };
  }
  const seals = (findings: readonly Finding[]) => findings.filter((f) => f.kind === 'seal-not-intact');

  it('lists open findings most severe first, and resolved ones too when asked', async () => {
    await twoTornSeals();
    const router = createIpcRouter({ session: s, trustedOrigin: 'app://keyward' });
    const reply = await router.handle('findings:list', {}, APP);
    if (!reply.ok) throw new Error(reply.error.message);
    const list = reply.value as Finding[];
    expect(seals(list).map((f) => [f.subject.label, f.severity, f.drill])).toEqual([
      ['YK-REAL', 'critical', false],
      ['YK-DRILL', 'notice', true],
    ]);
    expect(list.every((f) => f.resolution === null)).toBe(true);
    expect(await router.handle('findings:list', { all: true }, APP)).toMatchObject({ ok: true, value: expect.arrayContaining(list.map((f) => expect.objectContaining({ id: f.id }))) });
  });

  it('resolves a drill finding with the drill custodians\' keys and a real one with real keys, announcing each touch', async () => {
    const { drillCustodians, realCustodians } = await twoTornSeals();
    const events: [string, unknown][] = [];
    const appended: string[] = [];
    const [real, drill] = seals((await listOpen(createIpcRouter({ session: s, trustedOrigin: 'app://keyward' }))));
    const drillRouter = createIpcRouter({
      session: s,
      trustedOrigin: 'app://keyward',
      keySources: { real: forbidden('real'), drill: forbidden('drill item'), drillCustodians: () => drillCustodians },
      emit: (event, payload) => events.push([event, payload]),
      onLedgerAppended: (c) => appended.push(c),
    });
    const drillReply = await drillRouter.handle('findings:resolve', { ...RESOLUTION, id: drill!.id }, APP);
    expect(drillReply).toEqual({ ok: true, value: { ledgerSeq: expect.any(Number) } });
    // A drill key touched at once asks for no touch; the approvals are announced in order.
    expect(events.filter(([, p]) => (p as { step: string }).step === 'approved')).toEqual([
      ['custody:approval', { role: 'custodian', name: 'Alice Example', step: 'approved' }],
      ['custody:approval', { role: 'witness', name: 'Bob Example', step: 'approved' }],
    ]);
    expect(appended).toEqual(['findings:resolve']);

    // The renderer cannot pick drill keys for a real finding: main takes the real ones, and drill custodians cannot sign.
    const realRouter = createIpcRouter({ session: s, trustedOrigin: 'app://keyward', keySources: { real: () => realCustodians, drill: forbidden('drill item'), drillCustodians: forbidden('drill custodian') } });
    expect(await realRouter.handle('findings:resolve', { ...RESOLUTION, id: real!.id }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'custodian', message: "Alice Example's key is a drill key; use the matching mode" } });
    expect(await realRouter.handle('findings:resolve', { ...RESOLUTION, id: real!.id, custodian: 'Carol Example', witness: 'Dan Example', choice: 'none' }, APP)).toMatchObject({ ok: true });

    const all = await drillRouter.handle('findings:list', { all: true }, APP);
    if (!all.ok) throw new Error(all.error.message);
    expect(seals(all.value as Finding[]).map((f) => [f.subject.label, f.resolution?.by, f.resolution?.reason])).toEqual([
      ['YK-REAL', ['Carol Example', 'Dan Example'], RESOLUTION.reason],
      ['YK-DRILL', ['Alice Example', 'Bob Example'], RESOLUTION.reason],
    ]);
    expect(seals(await listOpen(drillRouter))).toEqual([]);
  });

  it('refuses, with the field to blame, a witness who is the custodian, a finding that ends otherwise, and one that does not exist', async () => {
    const { drillCustodians } = await twoTornSeals();
    const router = createIpcRouter({ session: s, trustedOrigin: 'app://keyward', keySources: { real: forbidden('real'), drill: forbidden('drill item'), drillCustodians: () => drillCustodians } });
    const drill = seals(await listOpen(router)).find((f) => f.drill)!;
    const head = readHead(s.db);
    expect(await router.handle('findings:resolve', { ...RESOLUTION, id: drill.id, witness: 'Alice Example' }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'witness' } });
    expect(await router.handle('findings:resolve', { ...RESOLUTION, id: drill.id, choice: 'retire' }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'choice' } });
    expect(await router.handle('findings:resolve', { ...RESOLUTION, id: 'seal-not-intact:9999' }, APP)).toMatchObject({ ok: false, error: { code: 'not_found', field: 'id' } });
    const due = { ...RESOLUTION, id: 'validation-due:never-completed' };
    expect((await listOpen(router)).some((f) => f.id === due.id)).toBe(true);
    expect(await router.handle('findings:resolve', due, APP)).toMatchObject({ ok: false, error: { code: 'conflict', field: 'id', message: expect.stringMatching(/not resolved by signature/) } });
    expect(readHead(s.db)).toEqual(head);
  });
});

async function listOpen(router: IpcRouter): Promise<Finding[]> {
  const reply = await router.handle('findings:list', {}, APP);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as Finding[];
}

describe('the channel map', () => {
  it('names the same channels in the bridge, the schemas and the handlers', () => {
    expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(CHANNELS).sort());
    expect(Object.keys(HANDLERS).sort()).toEqual(Object.keys(CHANNELS).sort());
  });
});
