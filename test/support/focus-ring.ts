import type { Page } from 'playwright-core';

/**
 * What is wrong with the focus ring of the element that has the focus now: none drawn, thinner
 * than 2 px, or under 3:1 against the colour it is drawn on (the parent's background for a ring
 * outside the element, the element's own for one inside). Empty when the ring is fine.
 */
export async function focusRingProblem(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return undefined;
    const rgba = (text: string) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(text);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [0, 0, 0, 0];
    };
    const luminance = ([r, g, b]: number[]) => {
      const [R, G, B] = [r!, g!, b!].map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
    };
    const backgroundFrom = (start: Element | null) => {
      for (let e = start; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3]! > 0.5) return c;
      }
      return [255, 255, 255, 1];
    };
    const style = getComputedStyle(element);
    const name = `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return `${name}: no focus ring (${style.outlineStyle} ${style.outlineWidth})`;
    const ring = rgba(style.outlineColor);
    const behind = backgroundFrom(parseFloat(style.outlineOffset) < 0 ? element : element.parentElement);
    const [a, b] = [luminance(ring), luminance(behind)].sort((x, y) => y - x);
    const ratio = (a! + 0.05) / (b! + 0.05);
    return ratio < 3 ? `${name}: focus ring ${style.outlineColor} on ${`rgb(${behind.slice(0, 3).join(', ')})`} is ${ratio.toFixed(2)}:1` : undefined;
  });
}
