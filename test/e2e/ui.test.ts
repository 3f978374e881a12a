import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addAccount, addPlace } from '../../app/inventory/inventory';
import { readHead } from '../../db/ledger';
import { ensureRendererBuilt, launchChromium, openRenderer, type RendererPage } from '../support/renderer-harness';
import { ACCOUNT_1, openTestSession } from '../support/session';
import { tamper } from '../support/tamper';
import { openDatabase } from '../../db/connection';

const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

describe('the renderer in Chromium, against the real IPC router and SQLite file', () => {
  let browser: Browser;
  let s: ReturnType<typeof openTestSession>;
  let ui: RendererPage;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await ensureRendererBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());
  beforeEach(async () => {
    s = openTestSession();
    ui = await openRenderer(browser, s);
  });
  afterEach(async () => {
    await ui.context.close();
    s.close();
  });

  it('adds an emergency account with the keyboard alone and records it in the ledger', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Inventory' }).press('Enter');
    await page.getByRole('heading', { name: 'Inventory', level: 2 }).waitFor();
    await expect.poll(() => page.getByText('No emergency accounts yet').isVisible()).toBe(true);

    // "Add …" opens a dialog whose first field has the focus.
    await page.getByRole('button', { name: 'Add an emergency account…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Add an emergency account' }).waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('upn');
    await page.keyboard.type(ACCOUNT_1.upn);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ACCOUNT_1.objectId);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Break glass 1');
    await page.keyboard.press('Enter');

    await page.getByRole('cell', { name: ACCOUNT_1.upn }).waitFor();
    expect(s.db.prepare('SELECT upn FROM accounts').pluck().all()).toEqual([ACCOUNT_1.upn]);
    expect(s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'account.added'").pluck().get()).toBe(1);
    const head = readHead(s.db).hash;
    await expect.poll(() => page.getByTestId('header-head-hash').getAttribute('title')).toBe(head);
    // The dialog closes and the focus is back on the button that opened it.
    await page.getByRole('dialog', { name: 'Add an emergency account' }).waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Add an emergency account…');
  });

  it('shows a bad UPN next to its field, focuses it, and writes nothing', async () => {
    const { page } = ui;
    const before = readHead(s.db);
    await page.getByRole('button', { name: 'Inventory' }).click();
    await page.getByRole('button', { name: 'Add an emergency account…' }).click();
    await page.getByLabel('User principal name').fill('not-a-upn');
    await page.getByLabel('Entra object id').fill(ACCOUNT_1.objectId);
    await page.getByRole('button', { name: 'Add account' }).click();

    const field = page.getByLabel('User principal name');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await field.getAttribute('aria-describedby'))!.split(' ')[0]!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/"not-a-upn" is not a valid user principal name/);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('upn');
    expect(readHead(s.db)).toEqual(before);
    await page.screenshot({ path: `${SHOTS}inventory-field-error.png`, fullPage: true });
  });

  it('adds an authenticator to a place and an account chosen from lists', async () => {
    addAccount(s, ACCOUNT_1);
    addPlace(s, { name: 'HQ safe A', site: 'HQ' });
    await ui.page.reload();
    const { page } = ui;
    await page.getByRole('button', { name: 'Inventory' }).click();
    await page.getByRole('button', { name: 'Add an authenticator…' }).click();
    const form = page.getByRole('form', { name: 'Add an authenticator' });
    await form.getByLabel('Kind').selectOption('fido2');
    await form.getByLabel('Label').fill('YK-01');
    await form.getByLabel('Serial number').fill('23456789');
    await form.getByLabel('Storage place').selectOption('HQ safe A');
    await form.getByLabel('Emergency account').selectOption(ACCOUNT_1.upn);
    await form.getByRole('button', { name: 'Add authenticator' }).click();
    const row = page.getByRole('row', { name: /YK-01/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/FIDO2 key.*In the safe.*HQ safe A.*bg1@contoso.onmicrosoft.com.*23456789/);

    await page.getByRole('button', { name: 'Add a custodian…' }).click();
    await page.getByRole('form', { name: 'Add a custodian' }).getByLabel('Full name').fill('Alice Example');
    await page.getByRole('button', { name: 'Add custodian' }).click();
    await page.getByRole('button', { name: 'Register a seal…' }).click();
    await page.getByRole('form', { name: 'Register a seal' }).getByLabel('Seal serial').fill('TB-000123');
    await page.getByRole('button', { name: 'Register seal' }).click();
    await page.getByRole('cell', { name: 'TB-000123' }).waitFor();
    await page.getByRole('cell', { name: 'Alice Example' }).waitFor();
    await page.screenshot({ path: `${SHOTS}inventory.png`, fullPage: true });
  });

  it('shows the ledger with its verified head hash, and names the first bad entry once the file is tampered with', async () => {
    addAccount(s, ACCOUNT_1);
    addPlace(s, { name: 'HQ safe A' });
    const { page } = ui;
    await page.getByRole('button', { name: 'Ledger' }).click();
    await page.getByText('Ledger verified:').waitFor();
    expect(await page.getByTestId('head-hash').textContent()).toBe(readHead(s.db).hash);
    expect(await page.getByRole('row').count()).toBe(1 + 3);
    // Each entry in words, not its JSON.
    await page.getByRole('row').filter({ hasText: 'Storage place HQ safe A added' }).waitFor();
    expect(await page.getByRole('table').textContent()).not.toContain('{');
    // Filters: a date that is not YYYY-MM-DD is refused at its field; a family and a day narrow the list.
    const filters = page.getByRole('form', { name: 'Filter the ledger' });
    await filters.getByLabel('From (YYYY-MM-DD, UTC)').fill('25/11/2026');
    await filters.getByRole('button', { name: 'Show' }).click();
    await page.locator('#ledger-from-error').waitFor();
    expect(await page.locator('#ledger-from-error').textContent()).toBe('From must be a date written YYYY-MM-DD, e.g. 2026-11-25 (got "25/11/2026")');
    await filters.getByLabel('From (YYYY-MM-DD, UTC)').fill('2026-11-25');
    await filters.getByLabel('Event').selectOption({ label: 'Inventory changes' });
    await filters.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(1 + 2);
    await filters.getByLabel('Search').fill('contoso');
    await filters.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(1 + 1);
    await page.screenshot({ path: `${SHOTS}ledger.png`, fullPage: true });

    s.db.close();
    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'HQ', 'XX') WHERE seq = 3").run());
    s = { ...s, db: openDatabase(s.path) };
    await ui.context.close();
    ui = await openRenderer(browser, s);
    await ui.page.getByRole('button', { name: 'Ledger' }).click();
    const alert = ui.page.getByRole('alert').filter({ hasText: 'verification failed' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/failed at entry 3.*content changed.*What to do: stop using this database/);
    // The failing entry is marked in the list, with what to do.
    const failing = ui.page.locator('tr.row-critical');
    await failing.waitFor();
    expect(await failing.textContent()).toMatch(/^3.*Storage place XX safe A added Verification fails here: stop using this database/);
    await ui.page.screenshot({ path: `${SHOTS}ledger-tampered.png`, fullPage: true });
  });

  it('verifies against a head printed earlier and explains a malformed one at its field', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Ledger' }).click();
    await page.getByLabel(/Head hash printed on a report/).fill('1234');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel(/Head hash printed on a report/).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#expect-head-error').textContent()).toMatch(/64 hexadecimal characters/);
    await page.getByLabel(/Head hash printed on a report/).fill('a'.repeat(64));
    await page.keyboard.press('Enter');
    await page.getByText(/verification failed at entry 2/).waitFor();
  });

  it('loads nothing from anywhere but its own origin and cannot reach the network', async () => {
    const { page } = ui;
    await page.getByRole('heading', { name: 'Attention', level: 2 }).waitFor();
    const fetchResult = await page.evaluate(async () => {
      try {
        await fetch('http://keyward.test/index.html');
        return 'fetched';
      } catch (error) {
        return `refused: ${(error as Error).message}`;
      }
    });
    expect(fetchResult).toMatch(/^refused/);
    expect(ui.blockedRequests).toEqual([]);
    expect(ui.consoleErrors.filter((e) => !/Content Security Policy|Failed to fetch/.test(e))).toEqual([]);
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  });
});
