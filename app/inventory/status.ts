import type { KeywardStatus } from '../../core/inventory/status';
import { countAccounts } from '../../db/accounts';
import { countAuthenticatorsByState } from '../../db/authenticators';
import { schemaVersion, type KeywardDatabase } from '../../db/connection';
import { countActiveCustodians } from '../../db/custodians';
import { readHead } from '../../db/ledger';
import { validationAt } from '../guidance/validation';
import { listCheckouts } from '../../db/custody';
import { awaitsCountersign, isOverdue } from '../../core/custody/custody';
import { expiryState } from '../../core/cards/smartcard';
import { earliestCertificateExpiry } from '../../db/smartcards';
import { readOrganisationFacts } from '../../db/posture-facts';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { judgeNow, summariseFindings } from '../findings/findings';


export function readStatus(db: KeywardDatabase, now: Date = new Date(), verification?: LedgerVerification): KeywardStatus {
  const head = readHead(db);
  const byState = countAuthenticatorsByState(db);
  return {
    schemaVersion: schemaVersion(db),
    ledger: { entries: head.seq, headHash: head.hash },
    authenticators: { total: Object.values(byState).reduce((a, b) => a + b, 0), byState },
    accounts: countAccounts(db),
    activeCustodians: countActiveCustodians(db),
    validation: (() => {
      // The same reading as the Validation screen and the findings: staff changes between two Entra imports count too.
      const state = validationAt(db, now);
      return { due: state.due, because: state.reasons.join('; ') || null, dueAt: state.dueAt, daysRemaining: state.daysRemaining, underWay: state.current !== null };
    })(),
    earliestExpiry: (() => {
      const first = earliestCertificateExpiry(db);
      return first ? { ...first, ...expiryState(first.notAfter, now, readOrganisationFacts(db).expiryWindowDays) } : null;
    })(),
    findings: summariseFindings(judgeNow({ db, clock: { now: () => now, utcOffsetMinutes: () => 0 } }, verification)),
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
