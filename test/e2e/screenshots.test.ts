import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCustodyReport } from '../../app/reports/report';
import { writeReportPdf } from '../../app/reports/report-pdf';
import { busySite } from '../support/busy-site';
import { killAfter } from '../support/children';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';

/**
 * The README's pictures of the main screens and of a report page, taken on a busy site at
 * 1280×800. `npm run screenshots` runs this with KEYWARD_SCREENSHOT_DIR=docs/screenshots; in the
 * suite they go where every test's screenshots go.
 */
const OUT = process.env.KEYWARD_SCREENSHOT_DIR ? `${resolve(process.env.KEYWARD_SCREENSHOT_DIR)}/` : SCREENSHOTS;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('the main screens, photographed for the README', () => {
  const suite = chromiumSuite(busySite, () => ({ reports: { chooseSavePath: async () => undefined } }));

  it('photographs Attention, Inventory, a checkout at its touch, Presence check, Network paths, Reports and a report page', { timeout: 120_000 }, async () => {
    mkdirSync(OUT, { recursive: true });
    const { page } = suite.ui;
    await page.setViewportSize({ width: 1280, height: 800 });
    const shoot = async (name: string) => {
      await page.screenshot({ path: `${OUT}${name}.png` });
      expect(readFileSync(`${OUT}${name}.png`).subarray(0, 4)).toEqual(PNG);
    };
    const open = async (screen: string, heading: RegExp) => {
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen, exact: true }).click();
      await page.getByRole('heading', { level: 2, name: heading }).waitFor();
      await expect.poll(() => page.locator('main').getByText('Loading…').count()).toBe(0);
    };

    await page.getByText('signed in outside any logged checkout').waitFor();
    await shoot('attention');
    await open('Inventory', /Inventory/);
    await shoot('inventory');

    await open('Custody', /Custody/);
    await page.getByLabel(/Drill mode/).check();
    await page.getByLabel('Item in the safe').selectOption({ label: 'YK-01' });
    await page.getByRole('button', { name: 'Next' }).click();
    const details = page.getByRole('form', { name: 'Checkout details' });
    await details.getByLabel('Custodian (takes it)').selectOption('Alice Example');
    await details.getByLabel('Witness (second custodian)').selectOption('Bob Example');
    await details.getByLabel('Ticket reference').fill('CHG-2077');
    await details.getByLabel('Seal broken (serial)').fill('S-2');
    await details.getByRole('button', { name: 'Ask for the touches' }).click();
    await page.getByTestId('signing-entry').waitFor();
    await page.getByRole('heading', { name: 'Check out YK-01' }).scrollIntoViewIfNeeded();
    await shoot('custody-checkout');
    await page.getByRole('button', { name: 'Refuse the touch' }).click();

    await open('Presence check', /Presence check/);
    await page.getByRole('table', { name: /soonest due first/ }).getByRole('row', { name: /YK-02/ }).waitFor();
    await shoot('presence-check');
    await open('Network paths', /Network/);
    await shoot('network-paths');
    await open('Reports', /Report/);
    await page.getByRole('form', { name: 'Custody report' }).getByLabel(/^From/).fill('2026-11-01');
    await page.getByRole('form', { name: 'Custody report' }).getByLabel(/^To/).fill('2026-11-30');
    await page.getByRole('form', { name: 'Custody report' }).getByLabel('Organisation').fill('Contoso Ltd');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('article', { name: /Custody report KW-/ }).waitFor();
    await shoot('reports');

    // The first page of the PDF itself, as poppler draws it.
    const pdf = join(suite.s.dir, 'report.pdf');
    await writeReportPdf(buildCustodyReport(suite.s, { from: '2026-11-01', to: '2026-11-30', organisation: 'Contoso Ltd', site: 'HQ', signatories: ['Carol Ng | Security officer'] }), pdf, 'A4');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, `${OUT}report-page`], killAfter(30_000));
    expect(readFileSync(`${OUT}report-page.png`).subarray(0, 4)).toEqual(PNG);
  });
});
