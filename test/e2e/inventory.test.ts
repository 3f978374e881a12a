import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addAuthenticator, addPlace } from '../../app/inventory/inventory';
import { runAxe } from '../support/axe';
import { tabTo } from '../support/keyboard';
import { overflowProblems } from '../support/overflow';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';

/** Records every channel the page asks main for, and the size of each reply, from the next load on. */
async function recordCalls(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const w = window as unknown as { __keywardMain: (c: unknown, a: unknown) => Promise<unknown>; __calls: { channel: string; bytes: number }[] };
    const main = w.__keywardMain;
    w.__calls = [];
    w.__keywardMain = async (channel, args) => {
      const reply = await main(channel, args);
      w.__calls.push({ channel: String(channel), bytes: JSON.stringify(reply).length });
      return reply;
    };
  });
  await page.reload();
}
const calls = (page: Page) => page.evaluate(() => (window as unknown as { __calls: { channel: string; bytes: number }[] }).__calls);
const forgetCalls = (page: Page) => page.evaluate(() => (window as unknown as { __calls: unknown[] }).__calls.splice(0));

async function openInventory(page: Page) {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Inventory', exact: true }).click();
  await page.getByRole('heading', { name: 'Inventory', level: 2 }).waitFor();
  await expect.poll(() => page.locator('main').getByText('Loading…').count()).toBe(0);
}

describe('the Inventory screen over 1,000 keys in Chromium', () => {
  const suite = chromiumSuite((s) => {
    s.db.transaction(() => {
      for (const name of ['Safe 1', 'Safe 2', 'Safe 3', 'Safe 4']) addPlace(s, { name, site: 'HQ' });
      for (let i = 1; i <= 1000; i += 1) {
        addAuthenticator(s, { kind: i % 5 === 0 ? 'smartcard' : 'fido2', label: `YK-${String(i).padStart(4, '0')}`, serial: String(10_000_000 + i), place: `Safe ${(i % 4) + 1}` });
      }
    })();
  });

  it('shows page 2 of 1,000 keys, asking main for a page at a time and never for the whole inventory', async () => {
    const { page } = suite.ui;
    await page.setViewportSize({ width: 1280, height: 800 });
    await recordCalls(page);
    await page.getByRole('heading', { name: 'Attention', level: 2 }).waitFor();
    await forgetCalls(page);
    await openInventory(page);
    const table = page.getByRole('table', { name: 'FIDO2 keys and smartcards' });
    const pages = page.getByRole('navigation', { name: 'Authenticators: pages' });
    await pages.getByRole('button', { name: 'Next' }).click();
    await table.getByRole('row', { name: /YK-0051/ }).waitFor();
    expect(await table.getByRole('row').count()).toBe(1 + 50);
    expect(await table.getByRole('row').nth(50).textContent()).toMatch(/^YK-0100/);
    expect(await pages.textContent()).toContain('Authenticators 51–100 of 1,000');
    expect(await page.getByLabel('State').textContent()).toContain('In the safe (1,000)');
    await page.locator('#section-authenticators-title').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${SCREENSHOTS}inventory-page-2.png` });

    const asked = await calls(page);
    expect(asked.map((c) => c.channel)).not.toContain('inventory:list');
    const pagesAsked = asked.filter((c) => c.channel === 'inventory:authenticators');
    expect(pagesAsked.length).toBeGreaterThanOrEqual(2);
    // A page of fifty is a twentieth of the whole list, whose reply was about 300 KB.
    expect(Math.max(...pagesAsked.map((c) => c.bytes))).toBeLessThan(30_000);

    await pages.getByRole('button', { name: 'Previous' }).click();
    await table.getByRole('row', { name: /YK-0001/ }).waitFor();
    expect(await pages.textContent()).toContain('Authenticators 1–50 of 1,000');
    expect(await overflowProblems(page)).toEqual([]);
  });

  it('searches and filters in main, with the keyboard alone, and pages through what matches', async () => {
    const { page } = suite.ui;
    await openInventory(page);
    await tabTo(page, 'Search');
    await page.keyboard.type('safe 2');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)).toBe('fido2');
    await tabTo(page, 'Show');
    await page.keyboard.press('Enter');
    // Safe 2 holds every fourth key from YK-0001; one in five of those is a smartcard: 200 fido2 keys.
    // The count shows as soon as the filters are set, over the page still shown (1,000 of 1,000) until main's answer comes.
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'authenticators match' }).textContent()).toBe('200 of 1,000 authenticators match.');
    const table = page.getByRole('table', { name: 'FIDO2 keys and smartcards' });
    await table.getByRole('row', { name: /YK-0001/ }).waitFor();
    const pages = page.getByRole('navigation', { name: 'Authenticators: pages' });
    expect(await pages.textContent()).toContain('Authenticators 1–50 of 200');
    await tabTo(page, 'Next');
    await page.keyboard.press('Enter');
    await expect.poll(() => pages.textContent()).toContain('Authenticators 51–100 of 200');
    const inSafe2 = Array.from({ length: 1000 }, (_, i) => i + 1).filter((i) => (i % 4) + 1 === 2 && i % 5 !== 0);
    await table.getByRole('row', { name: new RegExp(`^YK-${String(inSafe2[50]).padStart(4, '0')}`) }).waitFor();
    const labels = (await table.locator('tbody tr').allTextContents()).map((row) => row.slice(0, 7));
    expect(labels).toEqual(inSafe2.slice(50, 100).map((i) => `YK-${String(i).padStart(4, '0')}`));
    const { violations, incomplete } = await runAxe(page);
    expect([...violations, ...incomplete]).toEqual([]);

    // A search nothing matches says so, without a pager.
    await page.getByLabel('Search').fill('no such key');
    await page.getByRole('button', { name: 'Show' }).click();
    await table.getByRole('cell', { name: 'No authenticator matches.' }).waitFor();
    expect(await pages.count()).toBe(0);
  });

  it('orders the keys by storage place', async () => {
    const { page } = suite.ui;
    await openInventory(page);
    await page.getByLabel('Order').selectOption('place');
    await page.getByRole('button', { name: 'Show' }).click();
    const table = page.getByRole('table', { name: 'FIDO2 keys and smartcards' });
    // YK-0004 is on the first page in either order: only the first row says the new order has come.
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toMatch(/^YK-0004.*Safe 1/);
  });

  it('names a bad search at its field and keeps the page it shows', async () => {
    const { page } = suite.ui;
    await openInventory(page);
    const search = page.getByLabel('Search');
    await search.fill('Y'.repeat(101));
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => search.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await search.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe('the search is 101 characters long; at most 100 are allowed');
    expect(await page.getByRole('table', { name: 'FIDO2 keys and smartcards' }).getByRole('row').count()).toBe(1 + 50);
    const { violations } = await runAxe(page);
    expect(violations).toEqual([]);
  });
});
