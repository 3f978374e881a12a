import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { custodiansOf } from '../support/circle';
import { addAccount, addPlace } from '../../app/inventory/inventory';
import { importSignIns, reconcileSignIns } from '../../app/guidance/signins';
import { drillKeySource } from '../../app/presence/key-sources';
import { recordPlaceAccess } from '../../app/guidance/place-access';
import { assessPosture } from '../../app/guidance/posture';
import type { DrillTouchPad } from '../../app/presence/drill-touch';
import type { KeySource } from '../../app/presence/key-sources';
import { runAxe } from '../support/axe';
import { SCREENSHOTS, chromiumSuite, touchDrillKey } from '../support/renderer-harness';
import { ACCOUNT_1, ACCOUNT_2 } from '../support/session';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

describe('the guidance screens in Chromium', () => {
  let exportPath = '';
  const suite = chromiumSuite(
    async (s) => {
      addAccount(s, { upn: 'bg1@contoso.onmicrosoft.com', objectId: BG1 });
      await custodiansOf(s, drillKeySource(s.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
      exportPath = join(s.dir, 'signins.jsonl');
      writeFileSync(exportPath, JSON.stringify({ id: 's1', createdDateTime: '2026-11-20T03:14:00Z', userId: BG1, userPrincipalName: 'bg1@contoso.onmicrosoft.com', appDisplayName: 'Azure Portal', ipAddress: '203.0.113.9', status: { errorCode: 0 } }));
    },
    () => ({ files: { chooseOpenPath: async () => exportPath } }),
  );

  it('shows each posture rule with its result, evidence and the guidance it enforces', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Posture', exact: true }).click();
    // The banner names each failing rule, and failures come first in the list.
    const banner = page.getByRole('alert').filter({ hasText: /rules? fails?:/ });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/At least two emergency access accounts/);
    expect(await page.getByRole('row').nth(1).textContent()).toMatch(/^FAIL/);
    const row = page.getByRole('row', { name: /At least two emergency access accounts/ });
    expect(await row.textContent()).toMatch(/FAIL.*1 recorded: bg1@contoso\.onmicrosoft\.com.*create two or more emergency access accounts/);
    await page.screenshot({ path: `${SCREENSHOTS}posture.png`, fullPage: true });
  });

  it('walks the validation checklist: attest with a key touch, waive with a reason, complete', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Validation', exact: true }).click();
    await page.getByText(/A validation is due: no validation has been completed yet/).waitFor();
    await page.getByLabel(/Drill mode/).check();
    await page.getByRole('button', { name: 'Start a validation' }).click();
    const steps = ['monitoring-informed', 'process-documented', 'people-trained', 'credentials-tested', 'no-personal-mfa'];
    for (const step of steps) {
      const form = page.getByRole('form', { name: `Step ${step}` });
      await form.getByLabel('Custodian').selectOption('Alice Example');
      await form.getByRole('button', { name: 'Attest with a key touch' }).click();
      await touchDrillKey(page, "Alice Example's key");
      await form.waitFor({ state: 'detached' });
    }
    const last = page.getByRole('form', { name: 'Step two-paths' });
    await last.getByLabel('Custodian').selectOption('Alice Example');
    await last.getByRole('button', { name: 'Attest with a key touch' }).click();
    await page.getByText(/no network path proof since this validation started on \d{4}-\d\d-\d\d: prove the paths again/).waitFor();
    await last.getByLabel(/reason for a waiver/).fill('cellular modem on order');
    await last.getByRole('button', { name: 'Waive (leaves a finding)' }).click();
    await touchDrillKey(page, "Alice Example's key");
    await page.getByText(/Waived by Alice Example: cellular modem on order/).waitFor();
    for (const step of ['cleanup-excluded', 'device-accessible']) {
      const form = page.getByRole('form', { name: `Step ${step}` });
      await form.getByLabel('Custodian').selectOption('Alice Example');
      await form.getByLabel(/reason for a waiver/).fill('walked through in the next drill');
      await form.getByRole('button', { name: 'Waive (leaves a finding)' }).click();
      await touchDrillKey(page, "Alice Example's key");
      await form.waitFor({ state: 'detached' });
    }
    await page.getByRole('button', { name: 'Complete the validation' }).click();
    await page.getByText(/The next validation falls due by/).waitFor();
  });

  it('imports a sign-in export and shows the sign-in outside any checkout as an incident, first', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Sign-ins' }).click();
    await page.getByRole('button', { name: /Import a sign-in export/ }).click();
    await page.getByText(/Imported 1 sign-ins from .*signins\.jsonl \(1 new\)\./).waitFor();
    await page.getByRole('button', { name: 'Reconcile with the checkouts' }).click();
    await page.getByText(/Reconciliation recorded as ledger entry \d+: 1 incident\./).waitFor();
    await page.getByRole('alert').filter({ hasText: 'As of now: 1 incident;' }).waitFor();
    expect(await page.getByRole('row', { name: /203\.0\.113\.9/ }).textContent()).toMatch(/2026-11-20 03:14:00.*bg1@contoso\.onmicrosoft\.com.*success/);
    await page.screenshot({ path: `${SCREENSHOTS}signins.png`, fullPage: true });
  });

  it('shows the last import, the last reconciliation and its incident on arrival, without a click', async () => {
    const { page, s } = { page: suite.ui.page, s: suite.s };
    importSignIns(s, exportPath);
    reconcileSignIns(s);
    await page.reload();
    await page.getByRole('button', { name: 'Sign-ins' }).click();
    const last = page.getByTestId('signins-last');
    await expect.poll(() => last.textContent()).toMatch(/Last importsignins\.jsonl: 1 sign-in \(1 new\).*entry \d+Last reconciliation.*entry \d+: 1 incident/);
    await page.getByRole('alert').filter({ hasText: 'As of now: 1 incident;' }).waitFor();
    await page.getByRole('row').filter({ hasText: '203.0.113.9' }).waitFor();
  });
});

describe('the attested guidance items in Chromium, with custodians\' real keys', () => {
  // Software keys recorded as real (this machine has none): a drill key's attestation is never evidence.
  const standIn = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });
  const suite = chromiumSuite(
    async (s) => {
      addAccount(s, ACCOUNT_1);
      addAccount(s, ACCOUNT_2);
      addPlace(s, { name: 'HQ safe A' });
      await custodiansOf(s, standIn(drillKeySource(s.db, { store: 'custodians' })), ['Carol Example', 'Dan Example']);
      recordPlaceAccess(s, { place: 'HQ safe A', people: ['Carol Example', 'Dan Example'] });
    },
    (s) => ({
      keySources: (touchPad: DrillTouchPad) => ({
        real: () => standIn(drillKeySource(s.db, { store: 'custodians', touchPad })),
        drill: () => drillKeySource(s.db, { touchPad }),
        drillCustodians: () => drillKeySource(s.db, { store: 'custodians', touchPad }),
      }),
    }),
  );

  it('attests the cleanup step account by account, refuses one without the cleanups named, and posture names the account still to attest', async () => {
    const { page } = suite.ui;
    await page.getByRole('button', { name: 'Validation', exact: true }).click();
    await page.getByRole('button', { name: 'Start a validation' }).click();
    const form = page.getByRole('form', { name: 'Step cleanup-excluded' });
    await form.getByLabel('Custodian').selectOption('Carol Example');
    await form.getByLabel('Account').selectOption(ACCOUNT_1.upn);
    await form.getByRole('button', { name: 'Attest for this account with a key touch' }).click();
    await page.getByRole('alert').filter({ hasText: `policies: name each automated cleanup ${ACCOUNT_1.upn} is excluded from` }).waitFor();
    await form.getByLabel('Automated cleanups it is excluded from').fill('Lifecycle workflow: inactive users\nAccess review: Global Administrators');
    await form.getByRole('button', { name: 'Attest for this account with a key touch' }).click();
    await touchDrillKey(page, "Carol Example's key");
    const attested = page.getByRole('list', { name: 'Accounts attested in this validation' });
    await expect.poll(() => attested.textContent()).toMatch(
      new RegExp(`${ACCOUNT_1.upn}: excluded from "Lifecycle workflow: inactive users", "Access review: Global Administrators" — attested by Carol Example \\(entry \\d+\\)${ACCOUNT_2.upn}: to attest`),
    );
    // The step's form with its evidence, and the list of places the next step reviews, pass axe-core.
    const { violations, incomplete } = await runAxe(page);
    expect([...violations, ...incomplete].map((v) => `${v.rule} ${v.help}: ${v.targets.join(', ')}`)).toEqual([]);
    expect(await page.getByRole('list', { name: 'Who can open each place' }).textContent()).toContain('HQ safe A: Carol Example, Dan Example, recorded');
    await page.screenshot({ path: `${SCREENSHOTS}validation-cleanup.png`, fullPage: true });

    // The validation screen says what posture makes of it, naming the account still to attest.
    const verdicts = page.getByRole('list', { name: 'Posture of the attested items' });
    await expect.poll(() => verdicts.textContent()).toMatch(new RegExp(`FAIL Not in scope of automated cleanup.*${ACCOUNT_2.upn}: NOT ATTESTED`));
    await page.getByRole('button', { name: 'Posture', exact: true }).click();
    const row = page.getByRole('row', { name: /Not in scope of automated cleanup/ });
    await expect.poll(() => row.textContent()).toMatch(new RegExp(`^FAIL.*${ACCOUNT_2.upn}: NOT ATTESTED`));

    await page.getByRole('button', { name: 'Validation', exact: true }).click();
    await form.getByLabel('Custodian').selectOption('Dan Example');
    await form.getByLabel('Account').selectOption(ACCOUNT_2.upn);
    await form.getByLabel('The tenant runs no automated cleanup for lack of use').check();
    await form.getByRole('button', { name: 'Attest for this account with a key touch' }).click();
    await touchDrillKey(page, "Dan Example's key");
    await form.waitFor({ state: 'detached' });
    await page.getByText(/Attested by Dan Example — The device or credential must not expire/).waitFor();
    expect(assessPosture(suite.s).find((r) => r.id === 'no-cleanup-scope')).toMatchObject({ result: 'pass', sources: [{ file: `cleanup attestation for ${ACCOUNT_1.upn} by Carol Example` }, { file: `cleanup attestation for ${ACCOUNT_2.upn} by Dan Example` }] });
    await page.getByRole('button', { name: 'Posture', exact: true }).click();
    await expect.poll(() => row.textContent()).toMatch(/^PASS.*the tenant runs no automated cleanup for lack of use \(attested by Dan Example/);
  });
});
