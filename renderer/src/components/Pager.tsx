import { useEffect, useState } from 'react';

/** Shows a long list a page at a time, so a thousand rows render as quickly as fifty. */
export function usePage<Row>(rows: readonly Row[] | undefined, size: number): { page: Row[] | undefined; pager: { index: number; count: number; total: number; size: number; go: (index: number) => void } } {
  const [index, setIndex] = useState(0);
  const total = rows?.length ?? 0;
  const count = Math.max(1, Math.ceil(total / size));
  useEffect(() => {
    if (index > count - 1) setIndex(count - 1);
  }, [index, count]);
  const at = Math.min(index, count - 1);
  return { page: rows?.slice(at * size, at * size + size), pager: { index: at, count, total, size, go: setIndex } };
}

/** "Rows 51–100 of 1,000", with Previous and Next; nothing when everything fits on one page. */
export function Pager({ label, index, count, total, size, go }: { readonly label: string; readonly index: number; readonly count: number; readonly total: number; readonly size: number; readonly go: (index: number) => void }) {
  if (count <= 1) return null;
  const first = index * size + 1;
  const last = Math.min(total, first + size - 1);
  return (
    <nav className="pager" aria-label={`${label}: pages`}>
      <button type="button" className="secondary" disabled={index === 0} onClick={() => go(index - 1)}>
        Previous
      </button>
      <span aria-live="polite">
        {label} {first.toLocaleString('en')}–{last.toLocaleString('en')} of {total.toLocaleString('en')}
      </span>
      <button type="button" className="secondary" disabled={index >= count - 1} onClick={() => go(index + 1)}>
        Next
      </button>
    </nav>
  );
}
