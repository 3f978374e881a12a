import { reconcile, type Reconciliation } from '../../core/guidance/signins';
import { listAccounts } from '../../db/accounts';
import { latestEntryOfKinds } from '../../db/ledger';
import { checkoutWindows, signInsOfUsers } from '../../db/signins';
import type { Session } from '../ports';

export interface SignInState {
  /** The latest import: which file, how many sign-ins, and when. */
  readonly lastImport: { readonly seq: number; readonly recordedAt: string; readonly file: string; readonly records: number; readonly added: number } | null;
  /** The latest recorded reconciliation and how many incidents it found. */
  readonly lastReconciliation: { readonly seq: number; readonly recordedAt: string; readonly incidents: number } | null;
  /** The imported sign-ins against the checkouts as they stand now (what Attention judges too); nothing is written. */
  readonly now: Reconciliation;
}

/** What the Sign-ins screen shows on arrival: the last import, the last reconciliation, and the incidents as of now. */
export function readSignInState(session: Pick<Session, 'db' | 'clock'>): SignInState {
  const ids = listAccounts(session.db).map((a) => a.objectId);
  const imported = latestEntryOfKinds(session.db, ['signins.imported']);
  const reconciled = latestEntryOfKinds(session.db, ['signins.reconciled']);
  return {
    lastImport: imported
      ? { seq: imported.seq, recordedAt: imported.recordedAt, file: String(imported.payload.file ?? ''), records: Number(imported.payload.records ?? 0), added: Number(imported.payload.added ?? 0) }
      : null,
    lastReconciliation: reconciled
      ? { seq: reconciled.seq, recordedAt: reconciled.recordedAt, incidents: Array.isArray(reconciled.payload.incidents) ? reconciled.payload.incidents.length : 0 }
      : null,
    now: reconcile(signInsOfUsers(session.db, ids), checkoutWindows(session.db), ids, session.clock.now()),
  };
}
