import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DiscoveredInterface } from '../../app/netpath/netpath';
import { ensureRendererBuilt, launchChromium, openRenderer, type RendererPage } from '../support/renderer-harness';
import { makeTestCertificates } from '../support/netns-lab';
import { openTestSession, temporaryDirectory } from '../support/session';
import { addPlace } from '../../app/inventory/inventory';

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
    // Two sites: the custodian picks the one this proof is for.
    addPlace(s, { name: 'Vault', site: 'Vault room' });
    addPlace(s, { name: 'Annex', site: 'Other room' });
    ui = await openRenderer(browser, s, { network: { discover: loopbackOnly, caFile: join(certs.path, 'ca.pem'), targets: [`127.0.0.1:${port}`] } });
  });
  afterEach(async () => {
    await ui.context.close();
    s.close();
  });

  it("lets a custodian set an interface's class and resolver, proves the path with live progress, and shows the last proof of the site on arrival", { timeout: 90_000 }, async () => {
    const { page } = ui;
    const events: string[] = [];
    await page.exposeFunction('recordProgress', (step: string) => events.push(step));
    await page.evaluate(() => {
      const w = window as unknown as { keyward: { on: (event: string, listener: (p: { interface: string; family: number; step: string }) => void) => void }; recordProgress: (step: string) => void };
      w.keyward.on('netpath:progress', (p) => void w.recordProgress(`${p.interface} IPv${p.family} ${p.step}`));
    });
    await page.getByRole('button', { name: 'Network paths' }).click();
    await page.getByRole('cell', { name: 'lo', exact: true }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Resolver for lo' }).count()).toBe(0); // loopback is not probed
    const form = page.getByRole('form', { name: "Set an interface's class" });
    await form.getByLabel('Class').selectOption('wired');
    await form.getByLabel('Why').fill('loopback stands in for the wired link in this test');
    await form.getByRole('button', { name: 'Set class' }).click();
    await page.getByRole('cell', { name: 'wired (set by a custodian)' }).waitFor();

    // Keyboard only: the resolver field, then the site, then the button.
    await page.getByRole('textbox', { name: 'Resolver for lo' }).fill('127.0.0.1');
    await page.getByRole('combobox', { name: 'Site', exact: true }).selectOption('Vault room');
    await page.getByRole('combobox', { name: 'Site', exact: true }).press('Tab');
    await page.keyboard.press('Enter');
    const card = page.getByRole('article', { name: 'lo: up' }).first();
    await card.waitFor();
    const text = await card.textContent();
    expect(text).toMatch(/CN=login\.keyward\.test — issued by CN=Keyward Test ca/);
    expect(text).toMatch(/Resolver127\.0\.0\.1 \(set by a custodian\)/);
    expect(text).toMatch(/Next hoppoint-to-point on lo/);
    expect(await page.getByRole('status', { name: 'Probe progress' }).textContent()).toMatch(/lo IPv4 127\.0\.0\.1:\d+: verified/);
    expect(events).toEqual(expect.arrayContaining(['lo IPv4 route', 'lo IPv4 tcp', 'lo IPv4 tls', 'lo IPv4 done']));
    // One path is not two: the verdict says so plainly.
    const verdict = page.getByRole('alert', { name: 'This proof' });
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/Not met — Single path — requirement not met: only lo \(wired\) is up\..*site Vault room/);
    await page.screenshot({ path: `${SHOTS}network-paths-proof.png`, fullPage: true });
    const kinds = s.db.prepare('SELECT kind FROM ledger_entries ORDER BY seq').pluck().all();
    expect(kinds.slice(-2)).toEqual(['netpath.classified', 'netpath.proved']);
    const payload = JSON.parse(s.db.prepare("SELECT json_extract(body, '$.payload') FROM ledger_entries WHERE kind = 'netpath.proved'").pluck().get() as string) as { site: string; paths: { resolvers: unknown }[] };
    expect(payload).toMatchObject({ site: 'Vault room', paths: [{ resolvers: [{ address: '127.0.0.1', origin: 'dns-option' }] }] });

    // Coming back to the screen shows the site's last proof, its verdict, age and evidence.
    await page.reload();
    await page.getByRole('button', { name: 'Network paths' }).click();
    const last = page.getByRole('alert', { name: /^Vault room, recorded .* \((today|\d+ days? ago)\)$/ });
    await last.waitFor();
    expect(await last.textContent()).toMatch(/Not met — Single path/);
    await page.getByRole('article', { name: 'lo: up' }).waitFor();
    expect(await page.getByText('Other room: never proved.').count()).toBe(1);
  });

  it('refuses a malformed resolver with a specific message and records nothing', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Network paths' }).click();
    await page.getByRole('cell', { name: 'lo', exact: true }).waitFor();
    const form = page.getByRole('form', { name: "Set an interface's class" });
    await form.getByLabel('Class').selectOption('cellular');
    await form.getByRole('button', { name: 'Set class' }).click();
    await page.getByRole('cell', { name: 'cellular (set by a custodian)' }).waitFor();
    const before = s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get();
    await page.getByRole('textbox', { name: 'Resolver for lo' }).fill('999.1.1.1');
    await page.getByRole('combobox', { name: 'Site', exact: true }).selectOption('Vault room');
    await page.getByRole('button', { name: 'Prove network paths' }).click();
    const error = page.getByRole('alert').filter({ hasText: 'is not an IPv4 or IPv6 address' });
    await error.waitFor();
    expect(await error.textContent()).toBe('"lo=999.1.1.1": 999.1.1.1 is not an IPv4 or IPv6 address');
    expect(s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get()).toBe(before);
  });
});
