import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { custodiansOf } from '../support/circle';
import { checkOut } from '../../app/custody/custody';
import { attestStep, completeValidation, startValidation } from '../../app/guidance/validation';
import { recordPlaceAccess } from '../../app/guidance/place-access';
import { addAccount, addPlace, registerSeal } from '../../app/inventory/inventory';
import { verifyStoredLedger } from '../../app/ledger/ledger';
import { timestamp } from '../../app/ports';
import type { DrillTouchPad } from '../../app/presence/drill-touch';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource, type KeySource } from '../../app/presence/key-sources';
import { runPresenceCheck } from '../../app/presence/presence-check';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { appendEntry } from '../../db/ledger';
import { SCREENSHOTS, chromiumSuite, focusReturnsTo, touchDrillKey } from '../support/renderer-harness';
import { ACCOUNT_1, ACCOUNT_2, openTestSession } from '../support/session';
import { tamper } from '../support/tamper';

type TestSession = ReturnType<typeof openTestSession>;

/** Software keys recorded as real hardware (this machine has none), so that findings are not drills. */
const standIn = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });
const realCustodianKeys = (s: TestSession, touchPad?: DrillTouchPad) => standIn(drillKeySource(s.db, { store: 'custodians', touchPad }));
const realItemKeys = (s: TestSession) => standIn(drillKeySource(s.db));
const drillCustodianKeys = (s: TestSession, touchPad?: DrillTouchPad) => drillKeySource(s.db, { store: 'custodians', touchPad });

/**
 * A site with nothing to attend to: two accounts, a real key bound and checked, two paths proved,
 * a completed validation (both accounts attested out of automated cleanup, the key's place open to two custodians); Carol and Dan hold real custodian keys, Alice and Bob drill ones.
 */
async function cleanSite(s: TestSession) {
  addAccount(s, ACCOUNT_1);
  addAccount(s, ACCOUNT_2);
  addPlace(s, { name: 'HQ safe A' });
  // The key is bound while the room is set up, before the circle of custodians is founded.
  await enrolKey(s, realItemKeys(s), { label: 'YK-01', account: ACCOUNT_1.upn, place: 'HQ safe A' });
  await custodiansOf(s, realCustodianKeys(s), ['Carol Example', 'Dan Example']);
  await custodiansOf(s, drillCustodianKeys(s), ['Alice Example', 'Bob Example']);
  for (const serial of ['S-1', 'S-2', 'S-3']) registerSeal(s, { serial });
  startValidation(s);
  appendEntry(s.db, { kind: 'netpath.proved', actors: [s.actor], payload: { verdict: 'met', summary: 'wired and cellular', targets: ['login.microsoftonline.com:443'] } }, timestamp(s.clock));
  await runPresenceCheck(s, realItemKeys(s));
  for (const step of ['monitoring-informed', 'process-documented', 'people-trained', 'credentials-tested', 'no-personal-mfa', 'two-paths']) {
    await attestStep(s, realCustodianKeys(s), { step, custodian: 'Carol Example', note: 'done' });
  }
  for (const account of [ACCOUNT_1, ACCOUNT_2]) {
    await attestStep(s, realCustodianKeys(s), { step: 'cleanup-excluded', custodian: 'Carol Example', account: account.upn, policies: ['Lifecycle workflow: inactive users'] });
  }
  recordPlaceAccess(s, { place: 'HQ safe A', people: ['Carol Example', 'Dan Example'] });
  await attestStep(s, realCustodianKeys(s), { step: 'device-accessible', custodian: 'Carol Example', note: 'lists reviewed' });
  completeValidation(s);
}

/** Main's keys in these suites: real custodian keys are stand-ins that wait for the same Touch prompt as drill keys. */
const standInKeys = (s: TestSession) => ({
  pageClock: true,
  keySources: (touchPad: DrillTouchPad) => ({ real: () => realCustodianKeys(s, touchPad), drill: () => drillKeySource(s.db, { touchPad }), drillCustodians: () => drillCustodianKeys(s, touchPad) }),
});

const openFindings = (page: Page) => page.getByRole('list', { name: 'Open findings, most severe first' }).getByRole('article');
const headerCount = async (page: Page, severity: 'critical' | 'warning' | 'notice') => page.getByTestId(`header-count-${severity}`).textContent();

/** Nothing may stick out sideways, and the header's parts may not sit on each other. */
async function expectNoOverflow(page: Page) {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`);
    const parts = [...document.querySelectorAll('.top-bar h1, .finding-counts button, .ledger-badge, .status-info, [data-testid="header-head-hash"], nav .nav-button')].map((e) => ({ e, r: e.getBoundingClientRect() }));
    for (const [i, a] of parts.entries()) {
      if (a.r.right > window.innerWidth + 0.5) found.push(`${a.e.textContent} runs off the window`);
      for (const b of parts.slice(i + 1)) {
        const overlap = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left) > 1 && Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top) > 1;
        if (overlap) found.push(`"${a.e.textContent}" overlaps "${b.e.textContent}"`);
      }
    }
    for (const card of document.querySelectorAll('.finding')) if (card.scrollWidth > card.clientWidth + 1) found.push(`a finding card overflows: ${card.querySelector('h3')?.textContent}`);
    return found;
  });
  expect(problems).toEqual([]);
}

async function screenshots(page: Page, name: string) {
  for (const [width, height] of [
    [1280, 800],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width, height });
    await expectNoOverflow(page);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${width}x${height}.png` });
    await page.locator('header.top-bar').screenshot({ path: `${SCREENSHOTS}${name}-header-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the Attention screen in Chromium, on a clean site', () => {
  const suite = chromiumSuite(cleanSite, standInKeys);

  it('opens first, says nothing needs attention and when the ledger was last verified, and the header counts open Attention', async () => {
    const { page } = suite.ui;
    await page.getByRole('heading', { name: 'Attention', level: 2 }).waitFor();
    expect(await page.getByRole('button', { name: 'Attention' }).getAttribute('aria-current')).toBe('page');
    const empty = page.getByText('Nothing needs attention.');
    await empty.waitFor();
    expect(await page.locator('.attention-empty').textContent()).toMatch(/Ledger last verified at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC[+-]\d\d:\d\d\)\./);
    expect([await headerCount(page, 'critical'), await headerCount(page, 'warning'), await headerCount(page, 'notice')]).toEqual(['0 critical', '0 warnings', '0 notices']);
    expect(await page.getByTestId('header-ledger').textContent()).toBe('Ledger verified');
    await screenshots(page, 'attention-empty');

    // From another screen, a count (reached by keyboard) brings Attention back.
    await page.getByRole('button', { name: 'Ledger' }).click();
    await page.getByTestId('header-count-warning').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Attention', level: 2 }).waitFor();
  });

  it('shows an overdue checkout when the clock passes its expected return, without a reload', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    await checkOut(s, { custodianKeys: realCustodianKeys(s), emergencyKeys: realItemKeys(s) }, { item: 'YK-01', custodian: 'Carol Example', witness: 'Dan Example', reason: 'maintenance', expectedReturn: '1h', brokenSeal: 'S-1', sealIntact: true });
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    // The checkout was written outside this window (as by the CLI): the timer brings it in.
    await page.clock.runFor(31_000);
    await expect.poll(() => page.getByTestId('header-head-hash').getAttribute('title')).toBe(s.db.prepare('SELECT hash FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get());
    expect(await headerCount(page, 'critical')).toBe('0 critical');
    await page.getByText('Nothing needs attention.').waitFor();

    suite.ui.advanceClock(2 * 3600_000);
    await page.clock.runFor(31_000);
    await expect.poll(() => headerCount(page, 'critical')).toBe('1 critical');
    const overdue = openFindings(page).first();
    expect(await overdue.textContent()).toMatch(/^CriticalYK-01: overdue since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await overdue.textContent()).toMatch(/Evidence\s*ledger entry \d+/);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await screenshots(page, 'attention-overdue');
  });
});

describe('the Attention screen in Chromium, on a tampered ledger', () => {
  const suite = chromiumSuite(cleanSite, standInKeys);

  it('puts "the ledger does not verify" first, as critical, and the header says LEDGER NOT VERIFIED', async () => {
    const { s } = suite;
    const place = s.db.prepare("SELECT seq FROM ledger_entries WHERE kind = 'place.added'").pluck().get() as number;
    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'HQ safe A', 'HQ safe B') WHERE seq = ?").run(place));
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, firstBadSeq: place });
    const { page } = suite.ui;
    await page.reload();
    const first = openFindings(page).first();
    await expect.poll(() => first.textContent()).toMatch(new RegExp(`^CriticalThe ledger does not verify at entry ${place}`));
    expect(await first.textContent()).toMatch(/What to do nextStop using this database/);
    // It ends when the database is restored, not by signature: no Resolve action.
    expect(await first.getByRole('button', { name: 'Resolve…' }).count()).toBe(0);
    const badge = page.getByTestId('header-ledger');
    expect(await badge.textContent()).toBe('LEDGER NOT VERIFIED');
    expect(await badge.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(163, 32, 27)');
    expect(await headerCount(page, 'critical')).toMatch(/^[1-9]\d* critical$/);
    await screenshots(page, 'attention-tampered');
  });
});

describe('resolving a finding from Attention in Chromium', () => {
  const suite = chromiumSuite(async (s) => {
    await cleanSite(s);
    // A drill key whose PIN was guessed at: a drill anomaly (a notice), resolved with drill keys and an explicit choice.
    const key = await enrolKey(s, drillKeySource(s.db), { label: 'YK-D1', place: 'HQ safe A' });
    const state = loadDrillKey(s.db, key.id) as { pinRetries: number };
    state.pinRetries = 5;
    saveDrillKey(s.db, key.id, state);
    await runPresenceCheck(s, drillKeySource(s.db));
    // And a real item taken from a torn bag: critical, so that every severity is on screen.
    await checkOut(s, { custodianKeys: realCustodianKeys(s), emergencyKeys: realItemKeys(s) }, { item: 'YK-01', custodian: 'Carol Example', witness: 'Dan Example', reason: 'audit', expectedReturn: '8h', brokenSeal: 'S-1', sealIntact: false });
    appendEntry(s.db, { kind: 'netpath.proved', actors: [s.actor], payload: { verdict: 'not_met', summary: 'single path: cellular down', targets: ['login.microsoftonline.com:443'] } }, timestamp(s.clock));
  }, standInKeys);

  it('resolves with two custodians\' drill touches by keyboard; refusals stand at their fields and keep what was typed', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    const cards = openFindings(page);
    await expect.poll(() => cards.count()).toBe(3);
    expect(await cards.evaluateAll((list) => list.map((c) => c.querySelector('.severity')?.textContent))).toEqual(['Critical', 'Warning', 'Notice']);
    await screenshots(page, 'attention-findings');

    const anomaly = cards.filter({ hasText: 'YK-D1' });
    const resolve = anomaly.getByRole('button', { name: 'Resolve…' });
    await resolve.focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: /^Resolve: Drill: YK-D1/ });
    // The section takes the focus: custodian first.
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe('custodian');
    await form.getByLabel('Custodian', { exact: true }).selectOption('Alice Example');
    await form.getByLabel('Witness (a second custodian)').selectOption('Alice Example');
    const before = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();

    // No reason: said at the reason, which gets the focus; the names stay.
    await form.getByRole('button', { name: 'Ask for the touches' }).press('Enter');
    const reason = form.getByLabel('Reason');
    await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`[id="${await reason.getAttribute('aria-describedby')}"]`).textContent()).toMatch(/^Say why the finding can be closed/);
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement | null)?.name)).toBe('reason');
    expect(await form.getByLabel('Custodian', { exact: true }).inputValue()).toBe('Alice Example');
    await page.keyboard.type('INC-31: the vendor tried PINs during repair');

    // No choice: the key's fate is never a default.
    await form.getByRole('button', { name: 'Ask for the touches' }).press('Enter');
    const choiceError = form.getByText('Choose what becomes of YK-D1.');
    await choiceError.waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('choice');
    expect(await form.getByRole('radio', { checked: true }).count()).toBe(0);
    await form.getByRole('radio', { name: "Accept the key's new state as the baseline for later checks" }).check();

    // The same custodian twice: main refuses it at the witness; everything typed stays.
    await form.getByRole('button', { name: 'Ask for the touches' }).press('Enter');
    const witness = form.getByLabel('Witness (a second custodian)');
    await expect.poll(() => witness.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`[id="${await witness.getAttribute('aria-describedby')}"]`).textContent()).toMatch(/two different custodians/);
    expect(await reason.inputValue()).toBe('INC-31: the vendor tried PINs during repair');
    expect(await form.getByRole('radio', { checked: true }).getAttribute('value')).toBe('accept-new-state');
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(before);
    await screenshots(page, 'attention-resolve-error');
    await page.screenshot({ path: `${SCREENSHOTS}attention-resolve-error-full.png`, fullPage: true });

    await witness.selectOption('Bob Example');
    // Bob refuses his touch: nothing is written, and the refusal is said in words at the witness,
    // which has the focus (Chromium dropped it to the page when the form was disabled for the touches).
    await form.getByRole('button', { name: 'Ask for the touches' }).press('Enter');
    await touchDrillKey(page, "Alice Example's key");
    await touchDrillKey(page, "Bob Example's key", 'refuse');
    await expect.poll(() => witness.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`[id="${await witness.getAttribute('aria-describedby')}"]`).textContent()).toBe('Bob Example gave no approval: the touch was refused (CTAP2_ERR_OPERATION_DENIED); nothing was written');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name)).toBe('witness');
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(before);
    await screenshots(page, 'attention-resolve-refused');

    await form.getByRole('button', { name: 'Ask for the touches' }).press('Enter');
    await page.getByText('Custodian Alice Example: touch your key now').waitFor();
    await touchDrillKey(page, "Alice Example's key");
    await touchDrillKey(page, "Bob Example's key");
    const done = page.getByText(/^Resolved "Drill: YK-D1.*" in ledger entry \d+\.$/);
    await done.waitFor();
    await expect.poll(() => cards.count()).toBe(2);
    await expect.poll(() => headerCount(page, 'notice')).toBe('0 notices');

    await page.getByLabel('Show resolved').check();
    const row = page.getByRole('row', { name: /YK-D1/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Notice.*Drill: YK-D1.*Alice Example and Bob Example.*INC-31: the vendor tried PINs during repair.*new state accepted as baseline/);
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'finding.resolved'").pluck().get() as string);
    expect(entry).toMatchObject({ payload: { choice: 'accept-new-state', resolvedBy: ['Alice Example', 'Bob Example'], drill: true }, approvals: [expect.anything(), expect.anything()] });
    await screenshots(page, 'attention-resolved');
  });

  it('resolves a real, critical finding with the real custodians\' keys and cancels a resolve section with Escape', async () => {
    const { page } = suite.ui;
    const seal = openFindings(page).filter({ hasText: 'not intact' });
    await seal.waitFor();
    const resolve = seal.getByRole('button', { name: 'Resolve…' });
    await resolve.click();
    const form = page.getByRole('form', { name: /^Resolve: YK-01/ });
    await form.getByLabel('Reason').fill('kept for the audit trail');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await focusReturnsTo(page, 'Resolve…');

    await resolve.click();
    await form.waitFor();
    // A real finding offers no choice: the key stays as it is.
    expect(await form.getByRole('radio').count()).toBe(0);
    await form.getByLabel('Custodian', { exact: true }).selectOption('Carol Example');
    await form.getByLabel('Witness (a second custodian)').selectOption('Dan Example');
    await form.getByLabel('Reason').fill('INC-32: bag torn by the safe door; contents checked');
    await form.getByRole('button', { name: 'Ask for the touches' }).click();
    await touchDrillKey(page, "Carol Example's key");
    await touchDrillKey(page, "Dan Example's key");
    await page.getByText(/^Resolved ".*not intact.*" in ledger entry \d+\.$/).waitFor();
    await expect.poll(() => headerCount(page, 'critical')).toBe('0 critical');
  });
});
