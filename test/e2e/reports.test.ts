import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addAccount } from '../../app/inventory/inventory';
import { ledgerHead } from '../../app/ledger/ledger';
import { roomWithHistory } from '../support/custody-history';
import { overflowProblems } from '../support/overflow';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';


describe('the reports screen in Chromium', () => {
  let printed = 0;
  let savePath = '';
  const suite = chromiumSuite(
    (s) => {
      addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', label: 'Break glass 1' });
      savePath = join(s.dir, 'saved-report.pdf');
      printed = 0;
    },
    // The desktop's save dialog and print dialog are Electron's; here they answer as a person would.
    () => ({ reports: { chooseSavePath: async () => savePath, print: async () => ((printed += 1), true) } }),
  );

  it('previews the report with its head hash and QR code, saves the PDF, and opens the print dialog', { timeout: 60_000 }, async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await page.getByRole('button', { name: 'Reports' }).click();
    const form = page.getByRole('form', { name: 'Custody report' });
    await form.getByLabel('From').fill('2026-11-01');
    await form.getByLabel('To').fill('2026-11-30');
    await form.getByLabel('Organisation').fill('Contoso Ltd');
    await form.getByLabel(/Who signs/).fill('Carol Ng | Security officer');
    await form.getByRole('button', { name: 'Preview' }).click();
    const view = page.getByRole('article', { name: /Custody report KW-/ });
    await view.waitFor();
    expect(await page.getByTestId('report-head').textContent()).toBe(ledgerHead(s.db).hash);
    for (const title of ['Emergency access accounts', 'Transactions in the period', 'Validation status', 'Signatures', 'How to verify this report']) {
      await view.getByRole('heading', { name: title }).waitFor();
    }
    expect(await view.textContent()).toContain('Carol Ng — Security officer');
    await view.getByRole('img', { name: /QR code of the ledger head/ }).waitFor();

    await form.getByRole('button', { name: 'Save PDF…' }).click();
    await page.getByText(/Saved KW-\d{8}-[0-9A-F]{8} \(\d+ pages\)/).waitFor();
    expect(existsSync(savePath)).toBe(true);

    await form.getByRole('button', { name: 'Print…' }).click();
    await page.getByText('Sent to the printer.').waitFor();
    expect(printed).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}reports.png`, fullPage: true });
    // On paper only the report remains: the app's chrome and the form are hidden by the print stylesheet.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.top-bar').isVisible()).toBe(false);
    expect(await page.getByRole('form', { name: 'Custody report' }).isVisible()).toBe(false);
    expect(await view.isVisible()).toBe(true);
  });

  it('names a bad period plainly and makes nothing', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Reports' }).click();
    const form = page.getByRole('form', { name: 'Custody report' });
    await form.getByLabel('From').fill('2026-12-01');
    await form.getByLabel('To').fill('2026-11-01');
    await form.getByRole('button', { name: 'Preview' }).click();
    await page.getByText(/the period ends before it starts/).waitFor();
  });
});

describe('the reports screen in Chromium, over a long history', () => {
  let savePath = '';
  const suite = chromiumSuite(
    async (s) => {
      await roomWithHistory(s, 1200);
      savePath = join(s.dir, 'history.pdf');
    },
    () => ({ reports: { chooseSavePath: async () => savePath, print: async () => true } }),
  );

  /** Every text the report's progress line shows from now on, as the page draws it. */
  const followProgress = (page: Page) =>
    page.evaluate(() => {
      const line = document.querySelector('[data-testid="report-progress"]')!;
      const seen: string[] = [];
      (window as unknown as { reportProgressSeen: string[] }).reportProgressSeen = seen;
      new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, { childList: true, characterData: true, subtree: true });
    });
  const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as { reportProgressSeen: string[] }).reportProgressSeen);

  it('previews the first hundred transactions of 1,200 and says the PDF holds them all, and shows how far saving has got', { timeout: 120_000 }, async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Reports' }).click();
    const form = page.getByRole('form', { name: 'Custody report' });
    await form.getByLabel('From').fill('2026-11-01');
    await form.getByLabel('To').fill('2026-12-31');
    await form.getByRole('button', { name: 'Preview' }).click();
    const view = page.getByRole('article', { name: /Custody report KW-/ });
    await view.getByText('Rows 1–100 of 1,200 shown here; the saved PDF holds every row.').waitFor();
    const transactions = view.locator('section', { has: page.getByRole('heading', { name: 'Transactions in the period' }) }).getByRole('table');
    expect(await transactions.locator('tbody tr').count()).toBe(100);
    // The printout would miss rows: Print waits, and says why, for the PDF.
    expect(await form.getByRole('button', { name: 'Print…' }).isDisabled()).toBe(true);
    await form.getByText(/save the PDF, which holds them all, and print that/).waitFor();
    // Verdicts stand out as on paper: an alert in the report's red, bold.
    const alert = view.locator('td.emph-alert').first();
    expect(await alert.textContent()).toMatch(/CRITICAL|OVERDUE|ANOMALY|NOT MET|INCIDENT|NO WITNESS|TAMPERED/);
    expect(await alert.evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).fontWeight])).toEqual(['rgb(176, 0, 0)', '700']);
    await page.screenshot({ path: `${SCREENSHOTS}reports-long-history.png` });
    // The preview fits the window at both working sizes: nothing in it is wider than its card.
    for (const [width, height] of [[1024, 700], [1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      expect(await overflowProblems(page), `${width}×${height}`).toEqual([]);
      await view.getByText('Rows 1–100 of 1,200').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}reports-preview-${width}x${height}.png` });
    }

    await followProgress(page);
    await form.getByRole('button', { name: 'Save PDF…' }).click();
    await page.getByText(/Saved KW-\d{8}-[0-9A-F]{8} \(\d+ pages\)/).waitFor();
    expect(existsSync(savePath)).toBe(true);
    const seen = await progressSeen(page);
    // Main verifies and lays out in synchronous passes, so their events may reach the page together; the writing is seen as it goes.
    const number = (text: string) => Number(text.replace(/,/g, ''));
    const writing = seen.flatMap((text) => /^Writing the PDF: row ([\d,]+) of ([\d,]+)…$/.exec(text) ?? []).filter((_, i) => i % 3 === 1).map(number);
    expect(writing.length, seen.join(' | ')).toBeGreaterThanOrEqual(2);
    expect(writing).toEqual([...writing].sort((a, b) => a - b));
    expect(seen.findIndex((text) => text.startsWith('Writing the PDF'))).toBeLessThan(seen.findIndex((text) => text.startsWith('Saved KW-')));
    expect(seen.at(-1)).toMatch(/^Saved KW-/);
  });
});
