import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAppResource } from '../../electron/main/app-protocol';
import { createAuditorRouter } from '../../electron/main/auditor-router';
import { auditorOfTwoSites } from '../support/auditor-sites';
import { runAxe } from '../support/axe';
import { overflowProblems } from '../support/overflow';
import { RENDERER_ROOT, SCREENSHOTS, TEST_ORIGIN, ensureRendererBuilt, launchChromium } from '../support/renderer-harness';
import { temporaryDirectory } from '../support/session';

/** The built renderer to serve (KEYWARD_TEST_RENDERER: a build of one's own while others' builds are in use). */
const ROOT = process.env.KEYWARD_TEST_RENDERER ?? RENDERER_ROOT;
const SIZES = [
  [1280, 800],
  [1024, 700],
] as const;
/** The only buttons an auditor's window offers: ways around it and through its lists, never a change. */
const READING = /^(All sites|HQ( \(\d+ critical\))?|Branch|Open (HQ|Branch)|Findings|Inventory and custody|Ledger|Show|Newer|Older|Previous|Next|Page \d+|\d+)$/;

/**
 * Opens the renderer as main opens an auditor's window: the page at ?mode=auditor, its bridge
 * (standing in for the preload) wired to the auditor router over a real auditor database.
 */
async function openAuditorWindow(browser: Browser, auditorPath: string): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(`${TEST_ORIGIN}/`)) return route.abort('blockedbyclient');
    const resource = resolveAppResource(url.replace(TEST_ORIGIN, 'app://keyward'), ROOT);
    if (resource.status !== 200) return route.fulfill({ status: resource.status, body: resource.reason });
    return route.fulfill({ status: 200, headers: resource.headers, body: await readFile(resource.path) });
  });
  const router = createAuditorRouter({ auditorPath, trustedOrigin: TEST_ORIGIN });
  await context.exposeBinding('__keywardMain', async (source, channel: unknown, args: unknown) => router.handle(channel, args, { url: source.frame.url() }));
  await context.addInitScript(() => {
    const main = (c: unknown, a: unknown) => (window as unknown as { __keywardMain: (c: unknown, a: unknown) => Promise<unknown> }).__keywardMain(c, a);
    Object.defineProperty(window, 'keyward', { value: Object.freeze({ invoke: (channel: unknown, args: unknown) => main(channel, args), on: () => () => undefined }) });
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${TEST_ORIGIN}/index.html?mode=auditor`);
  return { context, page, consoleErrors };
}

describe("the desktop's Auditor mode in Chromium", () => {
  const dir = temporaryDirectory('keyward-e2e-auditor-');
  let browser: Browser | undefined;
  let sites: Awaited<ReturnType<typeof auditorOfTwoSites>>;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    if (!process.env.KEYWARD_TEST_RENDERER) await ensureRendererBuilt();
    browser = await launchChromium();
    sites = await auditorOfTwoSites(dir.path);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    dir.remove();
  });

  it('shows every site, HQ with its fork, and each site read only: findings, custody and ledger, with no way to change anything', { timeout: 120_000 }, async () => {
    const { context, page, consoleErrors } = await openAuditorWindow(browser!, sites.auditor);
    try {
      const problems: string[] = [];
      const offered = new Set<string>();
      const look = async (name: string) => {
        await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
        for (const [width, height] of SIZES) {
          await page.setViewportSize({ width, height });
          for (const p of await overflowProblems(page)) problems.push(`${name} at ${width}×${height}: ${p}`);
          await page.screenshot({ path: `${SCREENSHOTS}auditor-${name}-${width}x${height}.png`, fullPage: true });
        }
        await page.setViewportSize({ width: 1280, height: 800 });
        for (const v of (await runAxe(page)).violations) problems.push(`${name}: axe ${v.rule} (${v.impact}) ${v.help}: ${v.targets.join(', ')}`);
        for (const button of await page.getByRole('button').all()) offered.add(await button.evaluate((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim()));
        expect(await page.locator('input:not([type=search]), textarea, [contenteditable=true]').count(), name).toBe(0);
      };

      const overview = page.getByRole('list', { name: 'Sites' });
      await expect.poll(() => overview.getByRole('article').count()).toBe(2);
      const hq = overview.getByRole('article', { name: 'HQ' });
      await expect.poll(() => hq.textContent()).toMatch(/Critical HQ \([0-9a-f]{16}…\) forked: this bundle's head [0-9a-f]{64}/);
      expect(await hq.textContent()).toMatch(/Open findings0 critical, 1 warning, 2 notices.*Custody1 out of the safe 1 overdue/);
      expect(await overview.getByRole('article', { name: 'Branch' }).textContent()).toMatch(/Custodyevery item in the safe/);
      expect(await page.getByTestId('auditor-critical').textContent()).toBe('1 critical');
      await look('overview');

      await hq.getByRole('button', { name: 'Open HQ' }).click();
      const views = page.getByRole('navigation', { name: 'Views of HQ' });
      await page.getByRole('heading', { name: 'Open findings from the site\'s ledger' }).waitFor();
      // The panel's heading comes at once; its findings once main has judged the site.
      const findings = page.getByRole('list', { name: 'Open findings, most severe first' });
      await findings.waitFor();
      expect(await findings.getByRole('heading').allTextContents()).toEqual([
        'The room cannot reach Entra ID over two paths',
        expect.stringMatching(/^Drill: YK-02: /),
        expect.stringMatching(/^Drill: YK-02: /),
      ]);
      expect(await page.locator('#main').textContent()).toContain('forked');
      await look('hq-findings');

      await views.getByRole('button', { name: 'Inventory and custody' }).click();
      const out = page.getByRole('region', { name: 'Items out of the safe when the bundle was made' });
      await expect.poll(() => out.textContent()).toMatch(/YK-02Alice Example \(witness Bob Example\).*Overdue/);
      expect(await page.getByRole('region', { name: 'FIDO2 keys and smartcards' }).textContent()).toMatch(/YK-01.*In the safe.*YK-02.*Checked out/);
      await look('hq-custody');

      await views.getByRole('button', { name: 'Ledger' }).click();
      const ledger = page.getByRole('region', { name: /^Ledger entries/ });
      await expect.poll(async () => ledger.getByRole('row').count()).toBeGreaterThan(10);
      await page.getByLabel('Event').selectOption('custody');
      await page.getByRole('button', { name: 'Show' }).click();
      await expect.poll(() => ledger.getByRole('row').count()).toBe(2);
      expect(await ledger.textContent()).toContain('YK-02');
      await look('hq-ledger');

      await page.getByRole('navigation', { name: 'Sites' }).getByRole('button', { name: 'Branch' }).click();
      await page.getByRole('heading', { name: 'Branch', level: 2 }).waitFor();
      await look('branch-findings');

      expect(problems).toEqual([]);
      expect([...offered].filter((name) => !READING.test(name))).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
