import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets its heap grow past what was live after a full collection while a report is made.
 * Left to itself V8 grows it up to four times when collections are cheap, and writing a long report
 * promotes a page's worth of short-lived objects (content chunks, structure elements) at a time: at
 * 100,000 rows the heap reached 250 MB for 60 MB live. At 30% it stays near 120 MB for the same CPU
 * time (npm run bench:report). V8 reads the flag each time it sets the next limit.
 */
const GROWTH_PERCENT = 30;

let making = 0;

const setGrowth = (percent: number) => setFlagsFromString(`--heap-growing-percent=${percent}`);

const begin = () => {
  if (making++ === 0) setGrowth(GROWTH_PERCENT);
};
const end = () => {
  if (--making === 0) setGrowth(0);
};

/** Runs a report's gathering or writing with the heap kept near what is live; 0 (V8's own choice) again once no report is being made. */
export async function withLeanHeap<T>(work: () => T | Promise<T>): Promise<T> {
  begin();
  try {
    return await work();
  } finally {
    end();
  }
}

/** The same for work that does not wait: the flag is restored before it returns. */
export function withLeanHeapSync<T>(work: () => T): T {
  begin();
  try {
    return work();
  } finally {
    end();
  }
}
