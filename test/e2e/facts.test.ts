import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addAccount, addAuthenticator, addPlace } from '../../app/inventory/inventory';
import { runAxe } from '../support/axe';
import { assessPosture } from '../../app/guidance/posture';
import { readValidation } from '../../app/guidance/validation';
import { SCREENSHOTS, chromiumSuite } from '../support/renderer-harness';

const FIXTURES = join(__dirname, '../fixtures/entra');

describe('the Facts screen in Chromium', () => {
  const suite = chromiumSuite((s) => {
    addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    addAccount(s, { upn: 'bg2@contoso.onmicrosoft.com', objectId: '6fa459ea-ee8a-3ca4-894e-db77e160355e' });
  });

  it('imports an Entra export by its path, refuses a bad one, records facts, shows and copies the alert queries, and records a subscription change', async () => {
    const { page } = suite.ui;
    const s = suite.s;
    await page.getByRole('button', { name: 'Facts', exact: true }).click();
    const importer = page.getByRole('form', { name: 'Import an Entra export' });

    // A bad file: a clear error, nothing imported.
    await importer.getByLabel('Path of the export file').fill(join(FIXTURES, 'directory-audits.json'));
    await importer.getByRole('button', { name: 'Import the export' }).click();
    await importer.getByRole('alert').filter({ hasText: 'import it with "keyward auditlog import"' }).waitFor();
    expect(await page.getByRole('table', { name: 'Entra imports, newest first' }).textContent()).toContain('Nothing imported yet.');

    await importer.getByLabel('Path of the export file').fill(join(FIXTURES, 'role-instances.json'));
    await importer.getByRole('button', { name: 'Import the export' }).click();
    await page.locator('#main').getByRole('status').filter({ hasText: 'Imported role-instances from role-instances.json: 3 active role assignment(s).' }).waitFor();
    await page.getByRole('row', { name: /role-instances\.json/ }).waitFor();
    // The same use case as the command line: the rule now rests on the export.
    expect(assessPosture(s).find((r) => r.id === 'ga-permanent')).toMatchObject({ result: 'pass', sources: [{ file: 'role-instances.json' }] });

    const account = page.getByRole('form', { name: 'Record facts about an account' });
    await account.getByLabel('Account').selectOption('bg2@contoso.onmicrosoft.com');
    await account.getByLabel('Cloud-only').selectOption('yes');
    await account.getByRole('button', { name: 'Record the facts' }).click();
    await page.getByRole('row', { name: /bg2@contoso\.onmicrosoft\.com\s*yes/ }).waitFor();

    const organisation = page.getByRole('form', { name: "Record the organisation's facts" });
    await organisation.getByLabel('Evidence interval (days)').fill('0');
    await organisation.getByRole('button', { name: 'Record the facts' }).click();
    await organisation.getByRole('alert').filter({ hasText: 'the evidence interval must be a whole number of days from 1 to 365' }).waitFor();
    await organisation.getByLabel('Evidence interval (days)').fill('30');
    await organisation.getByLabel('Sign-in monitoring configured').selectOption('yes');
    await organisation.getByRole('button', { name: 'Record the facts' }).click();
    await page.getByText(/evidence interval:\s*30 days/).waitFor();

    const nonInteractive = page.getByRole('textbox', { name: /Any non-interactive sign-in by an emergency access account/ });
    expect(await nonInteractive.inputValue()).toMatch(/let emergencyAccounts = dynamic\(\["3f2504e0-4f89-11d3-9a0c-0305e82c3301", "6fa459ea-ee8a-3ca4-894e-db77e160355e"\]\);\nAADNonInteractiveUserSignInLogs/);
    await page.getByRole('button', { name: /Copy the query: Any non-interactive sign-in/ }).click();
    await page.locator('#main').getByRole('status').filter({ hasText: /^(Copied|Selected): non-interactive-sign-ins/ }).waitFor();

    const change = page.getByRole('form', { name: 'Record a subscription change' });
    await change.getByLabel('What changed').fill('Entra ID P2 added');
    await change.getByRole('button', { name: 'Record the change' }).click();
    await page.locator('#main').getByRole('status').filter({ hasText: 'Subscription change recorded: a validation is due.' }).waitFor();
    expect(readValidation(s).reasons.join('; ')).toMatch(/Entra ID P2 added/);
    await page.screenshot({ path: `${SCREENSHOTS}facts.png`, fullPage: true });
  });

  it('records who can open each storage place, refuses an empty list with the reason, and posture follows', async () => {
    const { page } = suite.ui;
    const s = suite.s;
    addPlace(s, { name: 'HQ safe A' });
    addPlace(s, { name: 'DR safe B' });
    addAuthenticator(s, { kind: 'fido2', label: 'YK-01', place: 'HQ safe A', account: 'bg1@contoso.onmicrosoft.com' });
    await page.getByRole('button', { name: 'Facts', exact: true }).click();
    const lists = page.getByRole('table', { name: 'Who can open each storage place' });
    await expect.poll(() => lists.getByRole('row', { name: /HQ safe A/ }).textContent()).toMatch(/HQ safe A\s*YK-01\s*nobody recorded/);
    const form = page.getByRole('form', { name: 'Record who can open a place' });
    await form.getByLabel('Place').selectOption('HQ safe A');
    await form.getByRole('button', { name: 'Record the list' }).click();
    await form.getByRole('alert').filter({ hasText: 'people: name at least one person who can open HQ safe A' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('people');
    const { violations, incomplete } = await runAxe(page);
    expect([...violations, ...incomplete].map((v) => `${v.rule} ${v.help}: ${v.targets.join(', ')}`)).toEqual([]);

    await form.getByLabel('Place').selectOption('HQ safe A');
    await form.getByLabel('People who can open it').fill('Carol Example\nDan Example\n');
    await form.getByRole('button', { name: 'Record the list' }).click();
    await page.locator('#main').getByRole('status').filter({ hasText: /Recorded who can open HQ safe A: Carol Example, Dan Example \(entry \d+\)\./ }).waitFor();
    await expect.poll(() => lists.getByRole('row', { name: /HQ safe A/ }).textContent()).toMatch(/HQ safe A\s*YK-01\s*Carol Example, Dan Example\s*\d{4}-\d\d-\d\d by test-operator\s*\d+/);
    await page.getByRole('region', { name: 'Access to the storage places' }).screenshot({ path: `${SCREENSHOTS}facts-place-access.png` });
    // Choosing the place again fills in its list, to be edited and recorded whole.
    await form.getByLabel('Place').selectOption('HQ safe A');
    expect(await form.getByLabel('People who can open it').inputValue()).toBe('Carol Example\nDan Example');
    // bg2 has no key, so the rule cannot pass yet; nothing about HQ safe A is out of reach.
    expect(assessPosture(s).find((r) => r.id === 'device-reachable')).toMatchObject({ result: 'unknown', sources: [{ file: 'access list of HQ safe A' }] });
  });
});
