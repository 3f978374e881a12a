import type { KeywardStatus } from '../core/status';
import { countAccounts } from '../db/accounts';
import { countAuthenticatorsByState } from '../db/authenticators';
import { schemaVersion, type KeywardDatabase } from '../db/connection';
import { countActiveCustodians } from '../db/custodians';
import { latestEntryOfKinds, readHead } from '../db/ledger';
import { listCheckouts } from '../db/custody';
import { awaitsCountersign, isOverdue } from '../core/custody';


export function readStatus(db: KeywardDatabase, now: Date = new Date()): KeywardStatus {
  const head = readHead(db);
  const byState = countAuthenticatorsByState(db);
  return {
    schemaVersion: schemaVersion(db),
    ledger: { entries: head.seq, headHash: head.hash },
    authenticators: { total: Object.values(byState).reduce((a, b) => a + b, 0), byState },
    accounts: countAccounts(db),
    activeCustodians: countActiveCustodians(db),
    validation: (() => {
      // Staff changes make the guidance's validation due at once; the full cycle (every 90 days,
      // subscription changes, the checklist) arrives with the validation issue.
      const change = latestEntryOfKinds(db, ['custodian.added', 'custodian.deactivated']);
      if (!change) return { due: false, because: null };
      const name = String(change.payload.name ?? '');
      return { due: true, because: `${change.kind === 'custodian.added' ? `${name} became a custodian` : `${name} was deactivated`} on ${change.recordedAt.slice(0, 10)} (ledger entry ${change.seq})` };
    })(),
    custody: (() => {
      const open = listCheckouts(db, { open: true });
      return {
        out: open.map((c) => c.label),
        overdue: open.filter((c) => isOverdue(c, now)).map((c) => c.label),
        awaitingCountersign: open.filter(awaitsCountersign).map((c) => c.label),
      };
    })(),
  };
}
