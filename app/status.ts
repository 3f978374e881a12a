import type { KeywardStatus } from '../core/status';
import { countAccounts } from '../db/accounts';
import { countAuthenticatorsByState } from '../db/authenticators';
import { schemaVersion, type KeywardDatabase } from '../db/connection';
import { countActiveCustodians } from '../db/custodians';
import { readHead } from '../db/ledger';


export function readStatus(db: KeywardDatabase): KeywardStatus {
  const head = readHead(db);
  const byState = countAuthenticatorsByState(db);
  return {
    schemaVersion: schemaVersion(db),
    ledger: { entries: head.seq, headHash: head.hash },
    authenticators: { total: Object.values(byState).reduce((a, b) => a + b, 0), byState },
    accounts: countAccounts(db),
    activeCustodians: countActiveCustodians(db),
  };
}
