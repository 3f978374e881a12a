import { describe, expect, it } from 'vitest';
import { custodiansOf } from '../support/circle';
import { enrolKey } from '../../app/presence/enrolment';
import { registerSeal } from '../../app/inventory/inventory';
import { drillKeySource } from '../../app/presence/key-sources';
import { verifyStoredLedger } from '../../app/ledger/ledger';
import { createHash } from 'node:crypto';
import { approvalChallengeInput } from '../../core/ledger/ledger';
import { findEntry } from '../../db/ledger';
import { runAxe } from '../support/axe';
import { SCREENSHOTS, chromiumSuite, focusReturnsTo, touchDrillKey } from '../support/renderer-harness';


describe('custody flows in Chromium, through the real IPC router, with drill keys', () => {
  const suite = chromiumSuite(async (s) => {
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-01' });
    for (const serial of ['S-1', 'S-2']) registerSeal(s, { serial });
  });

  it('founds the circle and enrols a third custodian, checks a key out with both touches, and returns it under a new seal', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await page.getByRole('button', { name: 'Custody' }).click();
    await page.getByLabel(/Drill mode/).check();
    // The first two found the circle together, in a dialog opened from the list; a third joins with their approval.
    await page.getByRole('button', { name: 'Found the circle of custodians…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Found the circle of custodians (drill)' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('founder-first');
    const found = dialog.getByRole('form', { name: 'Found the circle of custodians' });
    await found.getByLabel("First custodian's full name").fill('Alice Example');
    await found.getByLabel("Second custodian's full name").fill('Bob Example');
    await found.getByRole('button', { name: 'Found the circle' }).click();
    for (const name of ['Alice Example', 'Bob Example']) await touchDrillKey(page, `${name}'s key`);
    for (const name of ['Alice Example', 'Bob Example']) await touchDrillKey(page, `${name}'s key`);
    await page.getByText('Alice Example and Bob Example founded the circle of custodians.').waitFor();
    // Once founded, the same dialog goes on to enrolment.
    const enrol = page.getByRole('dialog', { name: "Enrol a custodian's key (drill)" }).getByRole('form', { name: "Enrol a custodian's key" });
    await enrol.getByLabel("New custodian's full name").fill('Carol Example');
    await enrol.getByLabel('Approved by').selectOption('Alice Example');
    await enrol.getByLabel('and by').selectOption('Alice Example');
    await enrol.getByRole('button', { name: 'Enrol their key' }).click();
    await enrol.getByText('the two approvers must be different custodians').waitFor();
    await enrol.getByLabel('and by').selectOption('Bob Example');
    await enrol.getByRole('button', { name: 'Enrol their key' }).click();
    await touchDrillKey(page, "Carol Example's key");
    for (const name of ['Alice Example', 'Bob Example']) await touchDrillKey(page, `${name}'s key`);
    await page.getByText("Enrolled Carol Example's key.").waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await focusReturnsTo(page, "Enrol a custodian's key…");
    await page.reload();
    await page.getByRole('button', { name: 'Custody' }).click();
    await page.getByLabel(/Drill mode/).check();

    // Step 1: choose the item, by keyboard.
    await page.getByLabel('Item in the safe').selectOption({ label: 'YK-01' });
    await page.getByRole('button', { name: 'Next' }).press('Enter');
    // Step 2: details.
    const details = page.getByRole('form', { name: 'Checkout details' });
    await details.getByLabel('Custodian (takes it)').selectOption('Alice Example');
    await details.getByLabel('Witness (second custodian)').selectOption('Bob Example');
    await details.getByLabel('Ticket reference').fill('CHG-1042');
    await details.getByLabel('Seal broken (serial)').fill('S-1');
    await details.getByRole('button', { name: 'Ask for the touches' }).click();
    // Steps 3–5: both touches, each custodian's own key, then done.
    await page.getByRole('alertdialog', { name: "Drill: the key labelled Alice Example's key is blinking" }).waitFor();
    await page.getByText('Custodian Alice Example: touch your key now').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}custody-drill-touch.png`, fullPage: true });
    await touchDrillKey(page, "Alice Example's key");
    await touchDrillKey(page, "Bob Example's key");
    await page.getByRole('heading', { name: 'YK-01 is checked out' }).waitFor();
    await page.getByText(/Alice Example, witnessed by Bob Example/).waitFor();
    const row = page.getByRole('row', { name: /YK-01\s*Alice Example\s*Bob Example/ });
    await row.waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}custody-out.png`, fullPage: true });

    const back = page.getByRole('form', { name: 'Return an item' });
    await back.getByLabel('Custodian (returns it)').selectOption('Bob Example');
    await back.getByLabel('Witness (second custodian)').selectOption('Alice Example');
    await back.getByLabel('New seal (serial)').fill('S-2');
    await back.getByRole('button', { name: /Check the key/ }).click();
    // The returned key is presence-checked first, then both custodians approve, each seeing what their touch signs.
    await touchDrillKey(page, 'YK-01');
    await page.getByText('Custodian Bob Example: touch your key now').waitFor();
    expect(await page.getByTestId('signing-entry').textContent()).toMatch(/signs ledger entry \d+:YK-01 returned by Bob Example, witness Alice Example.*S-2.*Digest [0-9a-f]{16}/);
    for (const label of ["Bob Example's key", "Alice Example's key"]) await touchDrillKey(page, label);
    await page.getByText(/YK-01 returned under seal S-2, presence check OK; ledger entry \d+/).waitFor();
    await page.getByText('Everything is in the safe.').waitFor();

    // The item's history opens in its own dialog from the list's title.
    await page.getByRole('button', { name: 'History of an item…' }).click();
    const history = page.getByRole('dialog', { name: 'History of an item' });
    await history.getByLabel('Item', { exact: true }).selectOption({ label: 'YK-01 (drill)' });
    await history.getByRole('cell', { name: /under S-2/ }).waitFor();
    await history.getByRole('cell', { name: 'S-1', exact: true }).waitFor();
    const axe = await runAxe(page);
    expect([...axe.violations, ...axe.incomplete]).toEqual([]);
    await history.getByRole('button', { name: 'Close' }).click();
    await history.waitFor({ state: 'hidden' });
    const kinds = s.db.prepare("SELECT kind FROM ledger_entries WHERE kind LIKE 'custody.%' ORDER BY seq").pluck().all();
    expect(kinds).toEqual(['custody.checked_out', 'custody.returned']);

    // The next checkout names the seal the key went back under, and a different one is refused at the seal field.
    await page.getByRole('button', { name: 'Check out another item' }).click();
    await page.getByLabel('Item in the safe').selectOption({ label: 'YK-01' });
    await page.getByRole('button', { name: 'Next' }).click();
    const again = page.getByRole('form', { name: 'Checkout details' });
    await page.screenshot({ path: `${SCREENSHOTS}custody-recorded-seal.png`, fullPage: true });
    await again.getByText('Recorded: stored under seal S-2.').waitFor();
    await again.getByLabel('Custodian (takes it)').selectOption('Alice Example');
    await again.getByLabel('Witness (second custodian)').selectOption('Bob Example');
    await again.getByLabel('Seal broken (serial)').fill('S-9');
    await again.getByRole('button', { name: 'Ask for the touches' }).click();
    await page.getByText(/YK-01 is recorded under seal S-2, not S-9/).waitFor();
    expect(s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'custody.checked_out'").pluck().get()).toBe(1);
    await page.getByRole('button', { name: 'Inventory' }).click();
    await page.getByRole('row', { name: /S-2\s*sealing\s*YK-01/ }).waitFor();
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('names the witness rule next to the witness field and writes nothing', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await custodiansOf(s, drillKeySource(s.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
    await page.reload();
    await page.getByRole('button', { name: 'Custody' }).click();
    await page.getByLabel(/Drill mode/).check();
    await page.getByLabel('Item in the safe').selectOption({ label: 'YK-01' });
    await page.getByRole('button', { name: 'Next' }).click();
    const details = page.getByRole('form', { name: 'Checkout details' });
    await details.getByLabel('Custodian (takes it)').selectOption('Alice Example');
    await details.getByLabel('Witness (second custodian)').selectOption('Alice Example');
    await details.getByLabel('Seal broken (serial)').fill('S-1');
    const before = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    await details.getByRole('button', { name: 'Ask for the touches' }).click();
    await page.locator('#checkout-witness-error').waitFor();
    expect(await page.locator('#checkout-witness-error').textContent()).toMatch(/witness must be a different custodian/);
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(before);
  });

  it('keeps what was typed through an error and Back, names the item at every step, shows what each touch signs, and completes without retyping', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await custodiansOf(s, drillKeySource(s.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
    await page.reload();
    await page.getByRole('button', { name: 'Custody' }).click();
    await page.getByLabel(/Drill mode/).check();
    await page.getByLabel('Item in the safe').selectOption({ label: 'YK-01' });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Check out YK-01' }).waitFor();
    const details = page.getByRole('form', { name: 'Checkout details' });
    // Nothing chosen: the form says so in a custodian's words, at the field, and asks main nothing.
    await details.getByRole('button', { name: 'Ask for the touches' }).click();
    expect(await page.locator('#checkout-custodian-error').textContent()).toBe('Choose the custodian who takes the item.');
    await details.getByLabel('Custodian (takes it)').selectOption('Alice Example');
    await details.getByLabel('Witness (second custodian)').selectOption('Alice Example');
    await details.getByLabel('Ticket reference').fill('CHG-7');
    await details.getByLabel('Expected back in (hours)').fill('4');
    await details.getByLabel('Seal broken (serial)').fill('S-1');
    const before = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    await details.getByRole('button', { name: 'Ask for the touches' }).click();
    await page.locator('#checkout-witness-error').waitFor();
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(before);
    const { violations, incomplete } = await runAxe(page);
    expect([...violations, ...incomplete]).toEqual([]);
    // Back to the item and forward again: everything typed is still there.
    await details.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Check out YK-01' }).waitFor();
    expect(await details.getByLabel('Custodian (takes it)').inputValue()).toBe('Alice Example');
    expect(await details.getByLabel('Ticket reference').inputValue()).toBe('CHG-7');
    expect(await details.getByLabel('Expected back in (hours)').inputValue()).toBe('4');
    expect(await details.getByLabel('Seal broken (serial)').inputValue()).toBe('S-1');
    // Only the witness is corrected.
    await details.getByLabel('Witness (second custodian)').selectOption('Bob Example');
    await details.getByRole('button', { name: 'Ask for the touches' }).click();
    const steps = page.getByRole('list', { name: 'Checkout steps' });
    await page.getByText('Custodian Alice Example: touch your key now').waitFor();
    expect(await steps.locator('[aria-current="step"]').textContent()).toBe('Custodian touch');
    const signing = page.getByTestId('signing-entry');
    expect(await signing.textContent()).toMatch(/signs ledger entry \d+:YK-01 checked out by Alice Example, witness Bob Example; drill CHG-7; seal S-1 broken; due back/);
    await page.screenshot({ path: `${SCREENSHOTS}custody-signing.png` });
    await touchDrillKey(page, "Alice Example's key");
    await page.getByText('Witness Bob Example: touch your key now').waitFor();
    expect(await steps.locator('[aria-current="step"]').textContent()).toBe('Witness touch');
    const digest = (await signing.locator('code').textContent())!;
    await touchDrillKey(page, "Bob Example's key");
    await page.getByRole('heading', { name: 'YK-01 is checked out' }).waitFor();
    expect(await steps.locator('[aria-current="step"]').textContent()).toBe('Done');

    // The digest shown is the one the keys signed: the SHA-256 of the entry without its approvals.
    const seq = s.db.prepare("SELECT max(seq) FROM ledger_entries WHERE kind = 'custody.checked_out'").pluck().get() as number;
    const entry = findEntry(s.db, seq)!;
    expect(createHash('sha256').update(approvalChallengeInput(entry)).digest('hex').slice(0, 16)).toBe(digest);
    const done = page.getByRole('status').filter({ hasText: 'Expected back' });
    expect(await done.textContent()).toContain(`Ledger entry${seq} ${entry.hash.slice(0, 12)}`);
    expect(await done.textContent()).toMatch(/ItemYK-01CustodianAlice Example, witnessed by Bob ExampleExpected back\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(entry.payload).toMatchObject({ ticket: 'CHG-7', brokenSeal: 'S-1', reason: 'drill' });
    await page.screenshot({ path: `${SCREENSHOTS}custody-done.png` });
  });
});
