import type { KeywardDatabase } from './connection';

/** Drill keys are software keys; their state (keys included) stays in the drill store only. */
export function saveDrillKey(db: KeywardDatabase, authenticatorId: number, state: unknown): void {
  db.prepare('INSERT INTO drill_keys (authenticator_id, state) VALUES (?, ?) ON CONFLICT (authenticator_id) DO UPDATE SET state = excluded.state').run(authenticatorId, JSON.stringify(state));
}

export function loadDrillKey(db: KeywardDatabase, authenticatorId: number): unknown {
  const state = db.prepare('SELECT state FROM drill_keys WHERE authenticator_id = ?').pluck().get(authenticatorId) as string | undefined;
  return state === undefined ? undefined : (JSON.parse(state) as unknown);
}
