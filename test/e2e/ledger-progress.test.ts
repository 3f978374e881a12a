import { describe, expect, it } from 'vitest';
import { addPlace } from '../../app/inventory/inventory';
import { timestamp } from '../../app/ports';
import { appendEntry, readHead } from '../../db/ledger';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';

const ENTRIES = 80_000;

describe('the Ledger screen while a large ledger is verified', () => {
  const suite = chromiumSuite((s) => {
    addPlace(s, { name: 'HQ safe A' });
    s.db.transaction(() => {
      for (let i = 2; i < ENTRIES; i += 1) appendEntry(s.db, { kind: 'presence.checked', actors: [s.actor], payload: { label: `YK-${i % 200}`, result: 'ok', drill: false } }, timestamp(s.clock));
    })();
  });

  it('draws how far the verification has got, answers the list meanwhile, then shows the verdict', async () => {
    const { page } = suite.ui;
    // Every state the banner passes through, recorded in the page as it is drawn.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('progress.verify-progress');
        if (bar) seen.push(`${bar.getAttribute('value')} of ${bar.getAttribute('max')}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByRole('button', { name: 'Ledger' }).click();
    // For a person to look at (not compared): the banner part-way, when the test catches it there.
    await page
      .locator('progress.verify-progress')
      .waitFor({ timeout: 10_000 })
      .then(() => page.screenshot({ path: `${SCREENSHOTS}ledger-verifying.png` }))
      .catch(() => undefined);
    await page.getByText('Ledger verified:').waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const entries = readHead(suite.s.db).seq;
    expect(entries).toBe(ENTRIES);
    // At least one state part-way, each of the whole ledger.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((state) => state.endsWith(` of ${entries}`))).toBe(true);
    expect(seen.some((state) => Number(state.split(' ')[0]) < entries)).toBe(true);
    // The list came from main while the verification ran on its own thread.
    expect(await page.getByRole('row').count()).toBeGreaterThan(1);
    await page.screenshot({ path: `${SCREENSHOTS}ledger-verified-large.png` });
  }, 120_000);
});
