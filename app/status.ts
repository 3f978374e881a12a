import { countAccounts } from '../db/accounts';
import { countAuthenticatorsByState } from '../db/authenticators';
import { schemaVersion, type KeywardDatabase } from '../db/connection';
import { countActiveCustodians } from '../db/custodians';
import { readHead } from '../db/ledger';

export interface KeywardStatus {
  readonly schemaVersion: number;
  readonly ledger: { readonly entries: number; readonly headHash: string };
  readonly authenticators: { readonly total: number; readonly byState: Record<string, number> };
  readonly accounts: number;
  readonly activeCustodians: number;
}

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
