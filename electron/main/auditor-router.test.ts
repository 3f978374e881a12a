import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditorOfTwoSites } from '../../test/support/auditor-sites';
import { temporaryDirectory } from '../../test/support/session';
import { CHANNEL_NAMES, WRITING_CHANNELS } from '../common/bridge';
import { createAuditorRouter } from './auditor-router';
import { createIpcRouter } from './router';
import { openTestSession } from '../../test/support/session';

const APP = { url: 'app://keyward/index.html?mode=auditor' };
const dir = temporaryDirectory('keyward-auditor-router-');
let sites: Awaited<ReturnType<typeof auditorOfTwoSites>>;
const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  sites = await auditorOfTwoSites(dir.path);
});
afterAll(() => dir.remove());

describe("the router of an auditor's window", () => {
  it('refuses every channel that writes to a ledger, whatever its arguments, and the auditor database is left as it was', async () => {
    const router = createAuditorRouter({ auditorPath: sites.auditor, trustedOrigin: 'app://keyward' });
    const before = fileHash(sites.auditor);
    for (const channel of WRITING_CHANNELS) {
      for (const args of [{}, { item: 'YK-02', custodian: 'Alice Example', witness: 'Bob Example', simulated: true }]) {
        expect(await router.handle(channel, args, APP), channel).toEqual({ ok: false, error: { code: 'read_only', message: `${channel} would change a site's ledger; an auditor's window only reads the sites' bundles` } });
      }
    }
    expect(fileHash(sites.auditor)).toBe(before);
  });

  it("refuses a site's own read channels, strangers and unknown channels, and answers only the auditor's", async () => {
    const router = createAuditorRouter({ auditorPath: sites.auditor, trustedOrigin: 'app://keyward' });
    const auditorChannels = CHANNEL_NAMES.filter((c) => c.startsWith('auditor:'));
    expect(auditorChannels).toEqual(['auditor:sites', 'auditor:site', 'auditor:ledger']);
    for (const channel of CHANNEL_NAMES.filter((c) => !WRITING_CHANNELS.has(c) && !auditorChannels.includes(c))) {
      expect(await router.handle(channel, {}, APP), channel).toMatchObject({ ok: false, error: { code: 'not_in_auditor_mode' } });
    }
    expect(await router.handle('auditor:sites', {}, { url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await router.handle('auditor:drop', {}, APP)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await router.handle('auditor:site', { siteId: sites.hq, extra: 1 }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'unexpected field(s) extra for auditor:site' } });
    expect(await router.handle('auditor:site', { siteId: 'f'.repeat(64) }, APP)).toMatchObject({ ok: false, error: { code: 'not_found', field: 'siteId' } });
    expect(await router.handle('auditor:ledger', { siteId: sites.hq, family: 'gossip' }, APP)).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'family' } });
  });

  it('shows every site with its fork, and one site read only: inventory, custody, findings and its ledger a page at a time', async () => {
    const router = createAuditorRouter({ auditorPath: sites.auditor, trustedOrigin: 'app://keyward' });
    const overview = await router.handle('auditor:sites', {}, APP);
    expect(overview).toMatchObject({ ok: true, value: { path: sites.auditor, sites: [{ siteName: 'Branch', findings: [{ kind: 'unknown-site' }] }, { siteName: 'HQ', findings: [{ kind: 'fork', severity: 'critical' }, { kind: 'unknown-site' }], state: { overdue: 1 } }] } });
    const hq = await router.handle('auditor:site', { siteId: sites.hq }, APP);
    expect(hq).toMatchObject({ ok: true, value: { judgement: { authenticators: [{ label: 'YK-01', state: 'in_safe' }, { label: 'YK-02', state: 'checked_out' }], custody: [{ label: 'YK-02', custodian: 'Alice Example', overdue: true }] } } });
    const page = await router.handle('auditor:ledger', { siteId: sites.hq, family: 'custody', limit: 5 }, APP);
    expect(page).toMatchObject({ ok: true, value: { total: 1, entries: [{ kind: 'custody.checked_out', summary: expect.stringContaining('YK-02') }] } });
  });
});

describe("a site's window", () => {
  it('has no auditor database to answer from', async () => {
    const s = openTestSession();
    try {
      const router = createIpcRouter({ session: s, trustedOrigin: 'app://keyward' });
      expect(await router.handle('auditor:sites', {}, APP)).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('--auditor FILE') } });
    } finally {
      s.close();
    }
  });
});
