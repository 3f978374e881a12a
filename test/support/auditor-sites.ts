import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportAuditBundle } from '../../app/audit/audit-export';
import { addAuditBundle, auditorOverview } from '../../app/audit/auditor';
import { checkOut } from '../../app/custody/custody';
import { addAccount, addPlace, registerSeal } from '../../app/inventory/inventory';
import { initDatabase } from '../../app/keyward';
import { nameSite } from '../../app/ledger/checkpoints';
import { timestamp, type Clock, type Session } from '../../app/ports';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource } from '../../app/presence/key-sources';
import { runPresenceCheck } from '../../app/presence/presence-check';
import { drillStorePath } from '../../db/drill-store';
import { appendEntry } from '../../db/ledger';
import { custodiansOf } from './circle';
import { ACCOUNT_1, ACCOUNT_2, OPERATOR } from './session';

/** A clock the fixture moves on by hours; each reading is a second after the last. */
function movableClock(start: string): Clock & { advanceHours: (hours: number) => void } {
  let t = Date.parse(start);
  return { now: () => new Date((t += 1000)), utcOffsetMinutes: () => 60, advanceHours: (hours) => void (t += hours * 3_600_000) };
}

const exportTo = async (session: Session, out: string) => {
  await exportAuditBundle(session, drillKeySource(session.db, { store: 'custodians' }), { out, custodian: 'Alice Example', witness: 'Bob Example' });
  return out;
};

/**
 * An auditor's database of two sites. HQ: two drill keys, one out with Alice Example past its
 * expected return under a seal found not intact, a network proof with one path down; and a copy of
 * HQ's files that went its own way, whose bundle forks HQ's chain (a critical finding). Branch: a
 * second site with its own ledger, everything in the safe.
 */
export async function auditorOfTwoSites(dir: string): Promise<{ auditor: string; hq: string; branch: string }> {
  const auditor = join(dir, 'auditor.db');
  const clock = movableClock('2026-11-25T09:00:00.000Z');
  const hqPath = join(dir, 'hq.db');
  let hq: Session = { db: initDatabase(hqPath, clock, OPERATOR).db, clock, actor: OPERATOR };
  const keys = drillKeySource(hq.db);
  const custodianKeys = drillKeySource(hq.db, { store: 'custodians' });
  addAccount(hq, ACCOUNT_1);
  addPlace(hq, { name: 'HQ safe A', site: 'HQ', safe: 'A', slot: '3' });
  await enrolKey(hq, keys, { label: 'YK-01', account: ACCOUNT_1.upn, place: 'HQ safe A' });
  await enrolKey(hq, keys, { label: 'YK-02', account: ACCOUNT_1.upn, place: 'HQ safe A', serial: 'YK5NFC-0123456789' });
  await custodiansOf(hq, custodianKeys, ['Alice Example', 'Bob Example']);
  nameSite(hq, { name: 'HQ' });
  registerSeal(hq, { serial: 'S-1' });
  await runPresenceCheck(hq, keys);
  await checkOut(hq, { custodianKeys, emergencyKeys: keys }, { item: 'YK-02', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', ticket: 'CHG-1042', expectedReturn: '8h', brokenSeal: 'S-1', sealIntact: false });
  clock.advanceHours(10);
  appendEntry(hq.db, { kind: 'netpath.proved', actors: [OPERATOR], payload: { verdict: 'not_met', summary: 'single path — requirement not met: wwan0 failed', targets: ['login.microsoftonline.com:443'] } }, timestamp(clock));
  addAuditBundle(auditor, await exportTo(hq, join(dir, 'hq-1.kwaudit')), clock);

  // A copy of HQ's files goes its own way from here.
  hq.db.close();
  const forkPath = join(dir, 'hq-copy.db');
  copyFileSync(hqPath, forkPath);
  copyFileSync(drillStorePath(hqPath), drillStorePath(forkPath));
  hq = { ...hq, db: initDatabase(hqPath, clock, OPERATOR).db };
  const fork: Session = { db: initDatabase(forkPath, clock, OPERATOR).db, clock, actor: OPERATOR };
  registerSeal(hq, { serial: 'S-2' });
  registerSeal(fork, { serial: 'S-9' });
  addAuditBundle(auditor, await exportTo(hq, join(dir, 'hq-2.kwaudit')), clock);
  addAuditBundle(auditor, await exportTo(fork, join(dir, 'hq-copy.kwaudit')), clock);
  fork.db.close();
  hq.db.close();

  const branchClock = movableClock('2026-10-01T08:00:00.000Z');
  const branch: Session = { db: initDatabase(join(dir, 'branch.db'), branchClock, OPERATOR).db, clock: branchClock, actor: OPERATOR };
  try {
    addAccount(branch, ACCOUNT_2);
    addPlace(branch, { name: 'Branch safe', site: 'Branch' });
    await enrolKey(branch, drillKeySource(branch.db), { label: 'YK-B1', account: ACCOUNT_2.upn, place: 'Branch safe' });
    await custodiansOf(branch, drillKeySource(branch.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
    nameSite(branch, { name: 'Branch' });
    addAuditBundle(auditor, await exportTo(branch, join(dir, 'branch.kwaudit')), clock);
  } finally {
    branch.db.close();
  }
  const ids = new Map(auditorOverview(auditor).map((s) => [s.siteName, s.siteId]));
  return { auditor, hq: ids.get('HQ')!, branch: ids.get('Branch')! };
}
