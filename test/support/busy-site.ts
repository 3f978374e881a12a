import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOut } from '../../app/custody/custody';
import { importSignIns, reconcileSignIns } from '../../app/guidance/signins';
import { startValidation } from '../../app/guidance/validation';
import { addAccount, addPlace, registerSeal } from '../../app/inventory/inventory';
import { timestamp } from '../../app/ports';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource } from '../../app/presence/key-sources';
import { runPresenceCheck } from '../../app/presence/presence-check';
import { appendEntry } from '../../db/ledger';
import { custodiansOf } from './circle';
import { ACCOUNT_1, ACCOUNT_2, type openTestSession } from './session';

type TestSession = ReturnType<typeof openTestSession>;

/** An account whose UPN and object id are as long as real ones get: they must wrap, not overflow. */
export const LONG_ACCOUNT = { upn: 'emergency-access-break-glass-03@contoso-international-holdings.onmicrosoft.com', objectId: '9b2f6c1e-7d4a-4e8b-a0c3-5f1e2d3c4b5a', label: 'Break glass 3 (smartcard)' };
export const LONG_SERIAL = 'YK5NFC-0123456789ABCDEF0123456789ABCDEF';

/**
 * A site with something on every screen: three accounts, two drill keys (one with a long serial)
 * checked, one of them out with a custodian, a sign-in outside any checkout (an incident), a
 * network proof with one path down, a validation under way.
 */
export async function busySite(s: TestSession): Promise<void> {
  addAccount(s, ACCOUNT_1);
  addAccount(s, ACCOUNT_2);
  addAccount(s, LONG_ACCOUNT);
  addPlace(s, { name: 'HQ safe A', site: 'HQ', safe: 'A', slot: '3' });
  const keys = drillKeySource(s.db);
  await enrolKey(s, keys, { label: 'YK-01', account: ACCOUNT_1.upn, place: 'HQ safe A' });
  await enrolKey(s, keys, { label: 'YK-02', account: LONG_ACCOUNT.upn, place: 'HQ safe A', serial: LONG_SERIAL });
  const custodianKeys = drillKeySource(s.db, { store: 'custodians' });
  await custodiansOf(s, custodianKeys, ['Alice Example', 'Bob Example']);
  for (const serial of ['S-1', 'S-2', 'S-3', 'TB-000123456789']) registerSeal(s, { serial });
  await runPresenceCheck(s, keys);
  await checkOut(s, { custodianKeys, emergencyKeys: keys }, { item: 'YK-02', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', ticket: 'CHG-1042', expectedReturn: '8h', brokenSeal: 'S-1', sealIntact: true });
  const exportPath = join(s.dir, 'signins.jsonl');
  writeFileSync(exportPath, JSON.stringify({ id: 's1', createdDateTime: '2026-11-20T03:14:00Z', userId: ACCOUNT_1.objectId, userPrincipalName: ACCOUNT_1.upn, appDisplayName: 'Azure Portal', ipAddress: '203.0.113.9', status: { errorCode: 0 } }));
  importSignIns(s, exportPath);
  reconcileSignIns(s);
  appendEntry(s.db, { kind: 'netpath.proved', actors: [s.actor], payload: { verdict: 'not_met', summary: 'single path — requirement not met: wwan0 failed', targets: ['login.microsoftonline.com:443'] } }, timestamp(s.clock));
  startValidation(s);
}
