import type { Actor } from '../core/ledger/ledger';
import type { KeywardDatabase } from '../db/connection';
import type { LedgerTimestamp } from '../db/ledger';
import { formatUtcOffset } from '../core/ledger/ledger';

/** Time, injected so that tests and drills are repeatable. */
export interface Clock {
  now(): Date;
  /** Minutes east of UTC at that instant on this machine. */
  utcOffsetMinutes(at: Date): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  utcOffsetMinutes: (at) => -at.getTimezoneOffset(),
};

/**
 * How far long work has got, `done` of `of` (entries, bytes), for whoever watches: called often
 * and synchronously, so it must be cheap; the CLI shows it only to a person at a terminal.
 */
export type ProgressReport = (done: number, of: number) => void;

/** What every use case is given: the database, the clock, and who is acting. */
export interface Session {
  readonly db: KeywardDatabase;
  readonly clock: Clock;
  readonly actor: Actor;
}

export function timestamp(clock: Clock): LedgerTimestamp {
  const at = clock.now();
  return { recordedAt: at.toISOString(), utcOffset: formatUtcOffset(clock.utcOffsetMinutes(at)) };
}

/**
 * Runs a change and its ledger entry in one write transaction: both land or neither does. The
 * change gets the timestamp its entry will carry.
 */
export function recorded<T>(session: Session, change: (at: LedgerTimestamp) => T): T {
  return session.db.transaction(() => change(timestamp(session.clock))).immediate();
}
