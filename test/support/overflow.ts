import type { Page } from 'playwright-core';

/** Containers that must hold their content: table wrappers, panels and cards. */
const CONTAINERS = '.table-wrap, .panel, .finding, .path-card, .banner, .report-view, dialog[open]';

/**
 * Everything that sticks out sideways: the page itself, any table wrapper or card whose content
 * is wider than it (scrollWidth > clientWidth), and header parts that leave the window or overlap.
 * With `wrappersMayScroll`, a table wrapper may scroll (at 200% zoom a wide table scrolls inside
 * its wrapper, which is the point of the wrapper), but nothing else may.
 */
export async function overflowProblems(page: Page, options: { wrappersMayScroll?: boolean } = {}): Promise<string[]> {
  return page.evaluate(
    ([selector, wrappersMayScroll]) => {
      const found: string[] = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth) found.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
      const name = (e: Element) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${(e.querySelector('h2, h3, caption, [aria-label]')?.textContent ?? e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 50)}"`;
      for (const e of document.querySelectorAll(selector)) {
        if (wrappersMayScroll && e.classList.contains('table-wrap')) continue;
        if (e.scrollWidth > e.clientWidth + 1) found.push(`${name(e)} overflows: ${e.scrollWidth} > ${e.clientWidth}`);
      }
      const parts = [...document.querySelectorAll('.top-bar h1, .finding-counts button, .ledger-badge, .status-info, [data-testid="header-head-hash"]')].map((e) => ({ e, r: e.getBoundingClientRect() }));
      for (const [i, a] of parts.entries()) {
        if (a.r.right > window.innerWidth + 0.5) found.push(`${a.e.textContent} runs off the window`);
        for (const b of parts.slice(i + 1)) {
          const overlap = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left) > 1 && Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top) > 1;
          if (overlap) found.push(`"${a.e.textContent}" overlaps "${b.e.textContent}"`);
        }
      }
      return found;
    },
    [CONTAINERS, options.wrappersMayScroll ?? false] as const,
  );
}
