import type { Page } from 'playwright-core';

/** The accessible-ish name of the focused element: its label's text, aria-label, or its own text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e) return '';
    const labelled = e.getAttribute('aria-label') ?? (e.id ? document.querySelector(`label[for="${e.id}"]`)?.textContent : null) ?? e.closest('label')?.textContent;
    return (labelled ?? e.textContent ?? '').trim();
  });
}

/** Presses Tab (or Shift+Tab) until the focused element's name matches, as a keyboard user would; fails after `limit` presses. */
export async function tabTo(page: Page, name: string | RegExp, options: { back?: boolean; limit?: number } = {}): Promise<void> {
  const matches = (text: string) => (typeof name === 'string' ? text === name : name.test(text));
  const seen: string[] = [];
  for (let i = 0; i < (options.limit ?? 120); i += 1) {
    const current = await focusedName(page);
    if (matches(current)) return;
    seen.push(current);
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached "${name}"; it passed: ${[...new Set(seen)].slice(-30).join(' | ')}`);
}

/** Presses Enter in the drill key's prompt once it has taken the focus (the custodian's touch, by keyboard). */
export async function touchByKeyboard(page: Page, label: string): Promise<void> {
  const prompt = page.getByRole('alertdialog', { name: `Drill: the key labelled ${label} is blinking` });
  await prompt.waitFor();
  await page.waitForFunction((text) => document.activeElement?.textContent === text, `Touch ${label}`);
  await page.keyboard.press('Enter');
  await prompt.waitFor({ state: 'detached' });
}
