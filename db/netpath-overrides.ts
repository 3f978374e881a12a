import type { PathClass } from '../core/netpath/netpath';
import type { KeywardDatabase } from './connection';

export interface ClassOverride {
  readonly interface: string;
  readonly class: PathClass;
  readonly note: string;
  readonly setAt: string;
}

export function saveOverride(db: KeywardDatabase, override: ClassOverride): void {
  db.prepare(
    `INSERT INTO netpath_overrides (interface, class, note, set_at) VALUES (@interface, @class, @note, @setAt)
     ON CONFLICT (interface) DO UPDATE SET class = excluded.class, note = excluded.note, set_at = excluded.set_at`,
  ).run(override);
}

export const listOverrides = (db: KeywardDatabase): ClassOverride[] =>
  db.prepare('SELECT interface, class, note, set_at AS setAt FROM netpath_overrides ORDER BY interface').all() as ClassOverride[];
