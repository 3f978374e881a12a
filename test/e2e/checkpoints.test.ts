import { describe, expect, it } from 'vitest';
import { checkOut } from '../../app/custody/custody';
import { registerSeal } from '../../app/inventory/inventory';
import { verifyStoredLedger } from '../../app/ledger/ledger';
import type { DrillTouchPad } from '../../app/presence/drill-touch';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource } from '../../app/presence/key-sources';
import { custodiansOf } from '../support/circle';
import { chromiumSuite, focusReturnsTo, touchDrillKey } from '../support/renderer-harness';
import type { openTestSession } from '../support/session';

type TestSession = ReturnType<typeof openTestSession>;

/** A drill room where a checkout has just been written, as by the CLI: a checkpoint is due. */
async function afterCheckout(s: TestSession) {
  await custodiansOf(s, drillKeySource(s.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
  await enrolKey(s, drillKeySource(s.db), { label: 'YK-01' });
  registerSeal(s, { serial: 'S-1' });
  await checkOut(s, { custodianKeys: drillKeySource(s.db, { store: 'custodians' }), emergencyKeys: drillKeySource(s.db) }, { item: 'YK-01', custodian: 'Alice Example', witness: 'Bob Example', reason: 'drill', expectedReturn: '4h', brokenSeal: 'S-1', sealIntact: true });
}

const keys = (s: TestSession) => ({ keySources: (touchPad: DrillTouchPad) => ({ real: () => drillKeySource(s.db, { touchPad }), drill: () => drillKeySource(s.db, { touchPad }), drillCustodians: () => drillKeySource(s.db, { store: 'custodians', touchPad }) }) });

describe('signed checkpoints on the Ledger screen, in Chromium', () => {
  const suite = chromiumSuite(afterCheckout, keys);

  it('prompts for a checkpoint after a checkout, and two custodians sign one with their touches', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Ledger' }).click();
    await page.getByTestId('checkpoint-due').waitFor();
    expect(await page.getByText('No checkpoint has been signed yet.').isVisible()).toBe(true);
    const form = page.getByRole('form', { name: 'Sign a checkpoint' });
    await form.getByLabel('Custodian', { exact: true }).selectOption('Alice Example');
    await form.getByLabel('Witness (a second custodian)').selectOption('Bob Example');
    await form.getByRole('button', { name: 'Sign a checkpoint' }).click();
    await touchDrillKey(page, "Alice Example's key");
    await touchDrillKey(page, "Bob Example's key");
    await page.getByText(/^Checkpoint 1 \(entry \d+, .*\) signed by Alice Example and Bob Example pins head [0-9a-f]{16}…/).waitFor();
    await page.getByTestId('checkpoint-due').waitFor({ state: 'detached' });
    // The button was disabled while the keys were touched (Chromium then drops the focus to the page): it has it back.
    await focusReturnsTo(page, 'Sign a checkpoint');
    expect(suite.s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'ledger.checkpoint'").pluck().get()).toBe(1);
    expect(verifyStoredLedger(suite.s.db)).toMatchObject({ ok: true });
  });

  it('refuses one custodian signing twice, saying why, and writes nothing', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Ledger' }).click();
    const form = page.getByRole('form', { name: 'Sign a checkpoint' });
    await form.getByLabel('Custodian', { exact: true }).selectOption('Alice Example');
    await form.getByLabel('Witness (a second custodian)').selectOption('Alice Example');
    await form.getByRole('button', { name: 'Sign a checkpoint' }).click();
    await form.getByRole('alert').filter({ hasText: 'a checkpoint is signed by two different custodians' }).waitFor();
    await focusReturnsTo(page, 'Sign a checkpoint');
    expect(suite.s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'ledger.checkpoint'").pluck().get()).toBe(0);
  });
});
