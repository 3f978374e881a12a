import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { addPlace } from '../../app/inventory/inventory';
import { SCREENSHOTS, chromiumSuite, focusReturnsTo, touchDrillKey } from '../support/renderer-harness';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource } from '../../app/presence/key-sources';
import { importMetadata } from '../../app/metadata/metadata-import';
import { runAxe } from '../support/axe';
import { blobPayload, createMdsPki, signBlob } from '../support/mds';

describe('the presence check screen in Chromium, in drill mode', () => {
  const suite = chromiumSuite((s) => void addPlace(s, { name: 'HQ safe A' }));

  it('enrols two drill keys, checks them, and shows an anomaly once a PIN was guessed at', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await page.getByRole('button', { name: 'Presence check' }).click();
    await page.getByLabel(/Drill mode/).check();

    await page.getByRole('button', { name: 'Enrol a key…' }).click();
    const enrol = page.getByRole('form', { name: 'Enrol a key' });
    for (const label of ['YK-01', 'YK-02']) {
      await enrol.getByLabel('Label *').fill(label);
      await enrol.getByLabel('Storage place').selectOption('HQ safe A');
      await enrol.getByRole('button', { name: 'Enrol key' }).click();
      await touchDrillKey(page, label);
      await page.getByText(`Enrolled ${label} (Keyward drill key (software)).`).waitFor();
    }
    expect(s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'authenticator.enrolled'").pluck().get()).toBe(2);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Enrol a drill key' }).waitFor({ state: 'hidden' });
    await focusReturnsTo(page, 'Enrol a key…');

    // Keyboard only: focus the button and press Enter; each drill key's prompt takes the focus,
    // and Enter touches it.
    await page.getByRole('button', { name: 'Run presence check' }).focus();
    await page.keyboard.press('Enter');
    for (const label of ['YK-01', 'YK-02']) {
      const prompt = page.getByRole('alertdialog', { name: `Drill: the key labelled ${label} is blinking` });
      await prompt.waitFor();
      // The prompt comes as the key starts waiting; "touch" in the progress line a tick later, with the key's first keepalive.
      await expect.poll(() => page.getByTestId('check-progress').textContent()).toMatch(new RegExp(`\\d of 2 — touch the key labelled ${label}`));
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(`Touch ${label}`);
      if (label === 'YK-01') await page.screenshot({ path: `${SCREENSHOTS}presence-drill-touch.png`, fullPage: true });
      await page.keyboard.press('Enter');
      await prompt.waitFor({ state: 'detached' });
    }
    await page.getByText('All 2 item(s) present and unchanged.').waitFor();
    const results = page.getByRole('table', { name: 'Results of this check' });
    expect(await results.getByRole('row', { name: /YK-01 \(drill\)\s*FIDO2 key\s*OK/ }).count()).toBe(1);

    // Someone tried wrong PINs on YK-02 between checks.
    const id = s.db.prepare("SELECT id FROM authenticators WHERE label = 'YK-02'").pluck().get() as number;
    const state = loadDrillKey(s.db, id) as { pinRetries: number };
    state.pinRetries = 5;
    saveDrillKey(s.db, id, state);

    await page.getByRole('button', { name: 'Run presence check' }).click();
    await touchDrillKey(page, 'YK-01');
    await touchDrillKey(page, 'YK-02');
    const alert = page.getByRole('alert').filter({ hasText: 'at least one key or card is missing or shows an anomaly' });
    await alert.waitFor();
    const row = results.getByRole('row', { name: /YK-02/ });
    expect(await row.textContent()).toMatch(/ANOMALY.*PIN retries dropped from 8 to 5/);
    // The schedule says when each item was last checked, how it went, and when the next check falls due.
    const schedule = page.getByRole('table', { name: 'Enrolled keys and smartcards, soonest due first' });
    await expect.poll(() => schedule.getByRole('row', { name: /YK-02/ }).textContent()).toMatch(/YK-02 \(drill\)FIDO2 keyANOMALY 2026-11-25 \d\d:\d\d \(UTC[+-]\d\d:\d\d\)2027-02-23 \d\d:\d\d/);
    await page.screenshot({ path: `${SCREENSHOTS}presence-anomaly.png`, fullPage: true });

    await page.getByRole('button', { name: 'Inventory' }).click();
    const inventoryRow = page.getByRole('row', { name: /YK-02 \(drill\)/ });
    await inventoryRow.waitFor();
    expect(await inventoryRow.textContent()).toMatch(/Keyward drill key \(software\).*ANOMALY/);
  });

  it('gives the focus back to "Run presence check" once the check is over, not to the page', async () => {
    const { page } = suite.ui;
    await enrolOneDrillKey(page, 'YK-08');

    // The prompt takes the focus from the button, which is disabled while the check runs.
    await page.getByRole('button', { name: 'Run presence check' }).click();
    await touchDrillKey(page, 'YK-08');
    await page.getByText('All 1 item(s) present and unchanged.').waitFor();
    await focusReturnsTo(page, 'Run presence check');
  });

  it('waits for the touch like a real key, and records a refused touch as not proven', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await enrolOneDrillKey(page, 'YK-07');

    const checks = () => s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'presence.checked'").pluck().get();
    await page.getByRole('button', { name: 'Run presence check' }).click();
    const prompt = page.getByRole('alertdialog', { name: 'Drill: the key labelled YK-07 is blinking' });
    await prompt.waitFor();
    // Nothing is decided while the key waits.
    await page.waitForTimeout(300);
    expect(checks()).toBe(0);
    await touchDrillKey(page, 'YK-07', 'refuse');
    const row = page.getByRole('table', { name: 'Results of this check' }).getByRole('row', { name: /YK-07/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/MISSING.*no answer from the key: the touch was refused \(CTAP2_ERR_OPERATION_DENIED\)/);
    expect(checks()).toBe(1);
  });

  it('says plainly when there is nothing to check, and names a bad label at its field', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    const head = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    await page.getByRole('button', { name: 'Presence check' }).click();
    await page.getByLabel(/Drill mode/).check();
    await page.getByRole('button', { name: 'Run presence check' }).click();
    await page.getByText(/there is no enrolled drill key or drill card to check/).waitFor();
    await page.getByRole('button', { name: 'Enrol a key…' }).click();
    await page.getByRole('button', { name: 'Enrol key' }).click();
    const label = page.getByRole('form', { name: 'Enrol a key' }).getByLabel('Label *');
    await expect.poll(() => label.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#enrol-label-error').textContent()).toMatch(/label is required/);
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(head);
  });

  it('shows beside the results what the FIDO metadata says of the keys checked', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-M1' });
    const pki = await createMdsPki();
    const blob = join(s.dir, 'stale-blob.jwt');
    writeFileSync(blob, await signBlob(pki, blobPayload({ no: 7, nextUpdate: '2026-01-31', entries: [] })));
    await importMetadata(s, { file: blob }, { rootPem: pki.rootPem });

    await page.getByRole('button', { name: 'Presence check' }).click();
    await page.getByLabel(/Drill mode/).check();
    await page.getByRole('button', { name: 'Run presence check' }).click();
    await touchDrillKey(page, 'YK-M1');
    await page.getByText('All 1 item(s) present and unchanged.').waitFor();
    const flags = page.getByRole('region', { name: 'What the FIDO metadata says of the keys checked' });
    await flags.waitFor();
    expect(await flags.textContent()).toMatch(/Notice\s*FIDO metadata is older than its next update \(2026-01-31\): metadata BLOB 7/);
    expect(await runAxe(page)).toEqual({ violations: [], incomplete: [] });
    await page.screenshot({ path: `${SCREENSHOTS}presence-metadata.png`, fullPage: true });
  });
});

/** On the presence screen in drill mode, enrols one drill key through its dialog and closes it. */
async function enrolOneDrillKey(page: Page, label: string): Promise<void> {
  await page.getByRole('button', { name: 'Presence check' }).click();
  await page.getByLabel(/Drill mode/).check();
  await page.getByRole('button', { name: 'Enrol a key…' }).click();
  const enrol = page.getByRole('form', { name: 'Enrol a key' });
  await enrol.getByLabel('Label *').fill(label);
  await enrol.getByRole('button', { name: 'Enrol key' }).click();
  await touchDrillKey(page, label);
  await page.getByText(`Enrolled ${label} (Keyward drill key (software)).`).waitFor();
  await page.getByRole('dialog', { name: 'Enrol a drill key' }).getByRole('button', { name: 'Close' }).click();
}
