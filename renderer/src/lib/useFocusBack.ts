import { useEffect, useRef } from 'react';

/**
 * A button disabled while its work runs loses the focus to the page the moment it is disabled
 * (Chromium moves it to the body, before any touch prompt or progress shows). Once `busy` is over,
 * the element this ref is on takes the focus back, unless something else took it meanwhile (an
 * error its field, a dialog its first control): a keyboard user goes on from where they were,
 * not from the top of the page.
 */
export function useFocusBack<E extends HTMLElement>(busy: boolean) {
  const element = useRef<E>(null);
  const wasBusy = useRef(false);
  useEffect(() => {
    const ended = wasBusy.current && !busy;
    wasBusy.current = busy;
    if (ended && (document.activeElement === null || document.activeElement === document.body)) element.current?.focus();
  }, [busy]);
  return element;
}
