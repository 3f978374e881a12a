import { describe, expect, it } from 'vitest';
import { addAccount, addPlace } from '../../app/inventory/inventory';
import { recordOrganisationFacts } from '../../app/guidance/posture';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';
const UPN = 'bg2@contoso.onmicrosoft.com';

describe('smartcards on the presence check screen in Chromium, in drill mode', () => {
  const suite = chromiumSuite((s) => {
    addPlace(s, { name: 'HQ safe A' });
    addAccount(s, { upn: UPN, objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3302', label: 'Break glass 2' });
    // A window longer than the drill card's year, so that its expiry shows as a warning.
    recordOrganisationFacts(s, { expiryWindowDays: 400 });
  });

  it('enrols a drill card, warns of its expiry, checks it with the keys, and shows its expiry in the inventory and as a notice in Attention', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await page.getByRole('button', { name: 'Presence check' }).click();
    await page.getByLabel(/Drill mode/).check();

    await page.getByRole('button', { name: 'Enrol a smartcard…' }).click();
    const enrol = page.getByRole('form', { name: 'Enrol a smartcard' });
    await enrol.getByLabel('Label *').fill('SC-02');
    await enrol.getByLabel('Storage place').selectOption('HQ safe A');
    await enrol.getByLabel('Emergency account').selectOption(UPN);
    await enrol.getByRole('button', { name: 'Enrol smartcard' }).click();
    await page.getByText(/Enrolled SC-02 from Drill reader: new card: certificate serial [0-9A-F]+, expires 2027-11-25\./).waitFor();
    expect(await page.getByRole('alert', { name: 'Enrolment warnings' }).textContent()).toMatch(/Warning: the PIV Authentication certificate expires in 36\d day\(s\)/);
    expect(s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'smartcard.enrolled'").pluck().get()).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Enrol a drill smartcard' }).waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Run presence check' }).click();
    await page.getByText('All 1 item(s) present and unchanged.').waitFor();
    const row = page.getByRole('table', { name: 'Results of this check' }).getByRole('row', { name: /SC-02 \(drill\)\s*Smartcard\s*OK/ });
    expect(await row.textContent()).toMatch(/expires on 2027-11-25, in 36\d day\(s\)/);
    await page.screenshot({ path: `${SCREENSHOTS}presence-smartcard.png`, fullPage: true });

    await page.getByRole('button', { name: 'Inventory' }).click();
    const inventoryRow = page.getByRole('row', { name: /SC-02 \(drill\)/ });
    await inventoryRow.waitFor();
    expect(await inventoryRow.textContent()).toMatch(/Smartcard.*PIV smartcard.*2027-11-25.*PIN retries 3, PUK retries 3.*OK/);
    await page.screenshot({ path: `${SCREENSHOTS}inventory-smartcard.png`, fullPage: true });
    // Inside the expiry window the certificate is a finding (a notice, being a drill card): counted in the header, listed in Attention.
    await expect.poll(() => page.getByTestId('header-count-notice').textContent()).toMatch(/^[1-9]\d* notices?$/);
    await page.getByTestId('header-count-notice').click();
    const finding = page.getByRole('article').filter({ hasText: /SC-02.*certificate expires in 36\d day/ });
    await finding.waitFor();
    expect(await finding.textContent()).toMatch(/^Notice/);
  });

  it('names a missing label at its field and changes nothing', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await page.getByRole('button', { name: 'Presence check' }).click();
    await page.getByLabel(/Drill mode/).check();
    const head = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    await page.getByRole('button', { name: 'Enrol a smartcard…' }).click();
    await page.getByRole('button', { name: 'Enrol smartcard' }).click();
    const label = page.getByRole('form', { name: 'Enrol a smartcard' }).getByLabel('Label *');
    await expect.poll(() => label.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#card-field-error').textContent()).toMatch(/label is required/);
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(head);
  });
});
