import { Fragment } from 'react';

/** Characters after which a token may break: the separators people read it by. */
const SEPARATOR = /[-.@:_/]/;
/** A run of letters and digits longer than this breaks between groups of GROUP characters, as serials are read aloud. */
const LONG_RUN = 16;
const GROUP = 8;

/** Where a line may break in a token: after a separator, or between groups of a long run. */
export function breakPoints(value: string): string[] {
  const segments = value.match(/[^-.@:_/]*[-.@:_/]?/g)?.filter(Boolean) ?? [];
  return segments.flatMap((segment) => {
    if (segment.length <= LONG_RUN) return [segment];
    const groups: string[] = [];
    for (let i = 0; i < segment.length; i += GROUP) groups.push(segment.slice(i, i + GROUP));
    // A separator left alone in the last group joins the one before it.
    if (groups.length > 1 && groups.at(-1)!.length === 1 && SEPARATOR.test(groups.at(-1)!)) groups.splice(-2, 2, groups.at(-2)! + groups.at(-1)!);
    return groups;
  });
}

/**
 * A serial, object id, UPN or hash: monospace, never split mid-value by the browser, breaking
 * only where `breakPoints` allows (copying it gives the value unchanged).
 */
export function Token({ value, title }: { readonly value: string; readonly title?: string }) {
  const parts = breakPoints(value);
  return (
    <span className="token" title={title}>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
