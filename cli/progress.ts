import type { CliIo } from './command';

/** Redrawn at most this often: often enough to look alive, rarely enough to cost nothing. */
const REDRAW_MS = 100;

/**
 * How far long work has got (verifying a large ledger, importing a large export), as one line on
 * stderr redrawn in place. Only a person at a terminal sees it: when stderr is a pipe or a file
 * (scripts, CI, tests) nothing is written, so the output stays what the command says.
 */
export interface Progress {
  /** `done` of `of`; cheap to call for every step. */
  readonly report: (done: number, of: number) => void;
  /** Clears the line, before the result is printed. */
  readonly end: () => void;
}

const SILENT: Progress = { report: () => undefined, end: () => undefined };

export function progressOn(io: CliIo, what: string, unit: 'entries' | 'bytes'): Progress {
  if (io.stderrIsTerminal !== true) return SILENT;
  let drawnAt = -Infinity;
  let drawn = false;
  let last = -1;
  const amount = (n: number) => (unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : n.toLocaleString('en'));
  return {
    report: (done, of) => {
      const now = performance.now();
      if (done === last || (now - drawnAt < REDRAW_MS && done < of)) return;
      drawnAt = now;
      last = done;
      drawn = true;
      const percent = of > 0 ? Math.min(100, Math.floor((done / of) * 100)) : 100;
      io.stderr(`\r${what}: ${percent}% (${amount(done)} of ${amount(of)})\x1b[K`);
    },
    end: () => {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}

/** Runs synchronous long work with its progress shown, and the line cleared however it ends. */
export function withProgress<T>(io: CliIo, what: string, unit: 'entries' | 'bytes', work: (report: Progress['report']) => T): T {
  const progress = progressOn(io, what, unit);
  try {
    return work(progress.report);
  } finally {
    progress.end();
  }
}
