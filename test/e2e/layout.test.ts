import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addAuthenticator } from '../../app/inventory/inventory';
import { runAxe } from '../support/axe';
import { focusRingProblem } from '../support/focus-ring';
import { busySite } from '../support/busy-site';
import { overflowProblems } from '../support/overflow';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';

/** The window sizes a custodian works at; 640×400 is 1280×800 at 200% zoom. */
const SIZES = [
  [1280, 800],
  [1024, 700],
] as const;

async function screens(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Screens' }).getByRole('button').allTextContents();
}

async function open(page: Page, screen: string) {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen, exact: true }).click();
  await page.locator('main h2').first().waitFor();
  await expect.poll(() => page.locator('main').getByText('Loading…').count()).toBe(0);
}

const slug = (screen: string) => screen.toLowerCase().replace(/\W+/g, '-');

describe('every screen in Chromium, on a busy site', () => {
  const suite = chromiumSuite(busySite);

  it('fits at 1280×800, 1024×700 and 200% zoom: nothing overflows its table wrapper or card, the page never scrolls sideways', { timeout: 120_000 }, async () => {
    const { page } = suite.ui;
    const names = await screens(page);
    expect(names.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const screen of names) {
      await open(page, screen);
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        for (const p of await overflowProblems(page)) problems.push(`${screen} at ${width}×${height}: ${p}`);
        await page.screenshot({ path: `${SCREENSHOTS}layout-${slug(screen)}-${width}x${height}.png` });
      }
      await page.setViewportSize({ width: 640, height: 400 });
      for (const p of await overflowProblems(page, { wrappersMayScroll: true })) problems.push(`${screen} at 200%: ${p}`);
      await page.screenshot({ path: `${SCREENSHOTS}layout-${slug(screen)}-zoom200.png` });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(problems).toEqual([]);
  });

  it("fits Custody's dialogs at 1280×800 and 1024×700: an item's history and a custodian's enrolment", { timeout: 120_000 }, async () => {
    const { page } = suite.ui;
    await open(page, 'Custody');
    await page.getByLabel(/Drill mode/).check();
    const problems: string[] = [];
    for (const [opener, dialogName] of [
      ['History of an item…', 'History of an item'],
      ["Enrol a custodian's key…", "Enrol a custodian's key (drill)"],
    ] as const) {
      await page.getByRole('button', { name: opener }).click();
      const dialog = page.getByRole('dialog', { name: dialogName });
      await dialog.waitFor();
      if (dialogName === 'History of an item') {
        await dialog.getByLabel('Item', { exact: true }).selectOption({ label: 'YK-02 (drill)' });
        await dialog.getByRole('cell', { name: 'still out' }).waitFor();
      }
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        for (const p of await overflowProblems(page)) problems.push(`${dialogName} at ${width}×${height}: ${p}`);
        await page.screenshot({ path: `${SCREENSHOTS}layout-custody-${slug(dialogName)}-${width}x${height}.png` });
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await page.getByLabel(/Drill mode/).uncheck();
    expect(problems).toEqual([]);
  });

  it('has no axe-core violations and nothing left for review on any screen', { timeout: 120_000 }, async () => {
    const { page } = suite.ui;
    const found: string[] = [];
    for (const screen of await screens(page)) {
      await open(page, screen);
      const { violations, incomplete } = await runAxe(page);
      for (const v of violations) found.push(`${screen}: ${v.rule} (${v.impact}) ${v.help}: ${v.targets.join(', ')}`);
      for (const v of incomplete) found.push(`${screen}: review ${v.rule} ${v.help}: ${v.targets.join(', ')}`);
    }
    expect(found).toEqual([]);
  });

  it('draws a focus ring of 3:1 or more against its background on everything the keyboard reaches', { timeout: 120_000 }, async () => {
    const { page } = suite.ui;
    const found = new Set<string>();
    for (const screen of await screens(page)) {
      await open(page, screen);
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen, exact: true }).focus();
      // Every stop from the screen's own button on: the header's, the screen's, and back round.
      for (let stop = 0; stop < 40; stop += 1) {
        await page.keyboard.press('Tab');
        const problem = await focusRingProblem(page);
        if (problem) found.add(`${screen}: ${problem}`);
      }
    }
    expect([...found]).toEqual([]);
  });
});

describe('an inventory of a thousand keys in Chromium', () => {
  const suite = chromiumSuite((s) => {
    s.db.transaction(() => {
      for (let i = 1; i <= 1000; i += 1) addAuthenticator(s, { kind: 'fido2', label: `YK-${String(i).padStart(4, '0')}`, serial: String(10_000_000 + i) });
    })();
  });

  it('shows them fifty to a page, with the way through all of them', async () => {
    const { page } = suite.ui;
    await open(page, 'Inventory');
    const table = page.getByRole('table', { name: 'FIDO2 keys and smartcards' });
    await table.getByRole('row', { name: /YK-0001/ }).waitFor();
    expect(await table.getByRole('row').count()).toBe(1 + 50);
    const pages = page.getByRole('navigation', { name: 'Authenticators: pages' });
    expect(await pages.textContent()).toContain('Authenticators 1–50 of 1,000');
    await pages.getByRole('button', { name: 'Next' }).click();
    await table.getByRole('row', { name: /YK-0051/ }).waitFor();
    expect(await pages.textContent()).toContain('Authenticators 51–100 of 1,000');
    expect(await overflowProblems(page)).toEqual([]);
  });
});
