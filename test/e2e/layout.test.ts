import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runAxe } from '../support/axe';
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
});
