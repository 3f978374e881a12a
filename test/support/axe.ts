import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe result as a line a person can act on: rule, impact, and the elements it names. */
export interface AxeProblem {
  readonly rule: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA, and best practices) in the page as it stands. The script is
 * evaluated through the debugging protocol, so the page's CSP stays as strict as in the app.
 * Returns the violations and the "needs review" items.
 */
export async function runAxe(page: Page): Promise<{ violations: AxeProblem[]; incomplete: AxeProblem[] }> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Result[]; incomplete: Result[] }> } }).axe;
    const results = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations', 'incomplete'] });
    const shape = (r: Result) => ({ rule: r.id, impact: r.impact, help: r.help, targets: r.nodes.map((n) => n.target.join(' ')) });
    return { violations: results.violations.map(shape), incomplete: results.incomplete.map(shape) };
  });
}
