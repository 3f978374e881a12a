import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DiscoveredInterface } from '../../app/netpath/netpath';
import { ensureRendererBuilt, launchChromium, openRenderer, type RendererPage } from '../support/renderer-harness';
import { makeTestCertificates } from '../support/netns-lab';
import { openTestSession, temporaryDirectory } from '../support/session';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

// Only the loopback interface is offered to the probe, and the target is a TLS server on
// 127.0.0.1: the screen is exercised end to end without a packet leaving this machine.
const loopbackOnly = async (): Promise<DiscoveredInterface[]> => [{ name: 'lo', class: 'loopback', reason: 'loopback device', ipv4: ['127.0.0.1'], ipv6: [], up: null }];

describe('the network paths screen in Chromium', () => {
  let browser: Browser;
  let s: ReturnType<typeof openTestSession>;
  let ui: RendererPage;
  let server: Server;
  let port = 0;
  const certs = temporaryDirectory('keyward-netui-');

  beforeAll(async () => {
    await ensureRendererBuilt();
    makeTestCertificates(certs.path);
    server = createServer({ cert: readFileSync(join(certs.path, 'ca-server.pem')), key: readFileSync(join(certs.path, 'ca-server.key')) }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    certs.remove();
  });
  beforeEach(async () => {
    s = openTestSession();
    ui = await openRenderer(browser, s, { network: { discover: loopbackOnly, caFile: join(certs.path, 'ca.pem'), targets: [`127.0.0.1:${port}`] } });
  });
  afterEach(async () => {
    await ui.context.close();
    s.close();
  });

  it('lets a custodian set an interface\'s class, proves the path, and shows a card with its certificate', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Network paths' }).click();
    await page.getByRole('cell', { name: 'lo', exact: true }).waitFor();
    const form = page.getByRole('form', { name: "Set an interface's class" });
    await form.getByLabel('Class').selectOption('wired');
    await form.getByLabel('Why').fill('loopback stands in for the wired link in this test');
    await form.getByRole('button', { name: 'Set class' }).click();
    await page.getByRole('cell', { name: 'wired (set by a custodian)' }).waitFor();

    await page.getByRole('button', { name: 'Prove network paths' }).click();
    const card = page.getByRole('article', { name: 'lo: up' });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/CN=login\.keyward\.test — issued by CN=Keyward Test ca/);
    // One path is not two: the verdict says so plainly.
    const verdict = page.getByRole('alert').filter({ hasText: 'Not met' });
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/Single path — requirement not met: only lo \(wired\) is up/);
    await page.screenshot({ path: `${SHOTS}network-paths.png`, fullPage: true });
    const kinds = s.db.prepare('SELECT kind FROM ledger_entries ORDER BY seq').pluck().all();
    expect(kinds.slice(-2)).toEqual(['netpath.classified', 'netpath.proved']);
  });
});
