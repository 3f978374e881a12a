import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drillStorePath } from '../../db/drill-store';
import { appendEntry } from '../../db/ledger';
import { custodiansOf } from '../../test/support/circle';
import { ACCOUNT_1, OPERATOR, temporaryDirectory } from '../../test/support/session';
import { checkOut } from '../custody/custody';
import { judgeNow } from '../findings/findings';
import { addAccount, addPlace, registerSeal } from '../inventory/inventory';
import { initDatabase } from '../keyward';
import { nameSite } from '../ledger/checkpoints';
import { timestamp, type Clock, type Session } from '../ports';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource } from '../presence/key-sources';
import { runPresenceCheck } from '../presence/presence-check';
import { exportAuditBundle } from './audit-export';
import { addAuditBundle, auditorOverview } from './auditor';

/** A clock the test moves on by hours; each reading is a second after the last. */
function movableClock(start: string): Clock & { advanceHours: (hours: number) => void } {
  let t = Date.parse(start);
  return { now: () => new Date((t += 1000)), utcOffsetMinutes: () => 60, advanceHours: (hours) => void (t += hours * 3_600_000) };
}

/** Kinds the site judges from what is not in its ledger (posture, certificates, sign-ins, metadata, backups, validation): an auditor cannot see those. */
const OUTSIDE_THE_LEDGER = new Set(['ledger-unverified', 'posture-failed', 'posture-stale', 'certificate-expired', 'certificate-expiring', 'signin-incident', 'audit-incident', 'drill-incomplete', 'validation-due', 'backup-stale', 'metadata-compromised', 'metadata-firmware', 'metadata-stale', 'attestation-not-genuine']);

describe("an auditor's view of a site's custody and findings", () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  let clock: ReturnType<typeof movableClock>;
  let session: Session;
  beforeEach(async () => {
    dir = temporaryDirectory();
    clock = movableClock('2026-11-25T09:00:00.000Z');
    session = { db: initDatabase(join(dir.path, 'hq.db'), clock, OPERATOR).db, clock, actor: OPERATOR };
    const keys = drillKeySource(session.db);
    const custodianKeys = drillKeySource(session.db, { store: 'custodians' });
    addAccount(session, ACCOUNT_1);
    addPlace(session, { name: 'HQ safe A', site: 'HQ' });
    await enrolKey(session, keys, { label: 'YK-01', account: ACCOUNT_1.upn, place: 'HQ safe A' });
    await enrolKey(session, keys, { label: 'YK-02', account: ACCOUNT_1.upn, place: 'HQ safe A' });
    await custodiansOf(session, custodianKeys, ['Alice Example', 'Bob Example']);
    nameSite(session, { name: 'HQ' });
    registerSeal(session, { serial: 'S-1' });
    await runPresenceCheck(session, keys);
    await checkOut(session, { custodianKeys, emergencyKeys: keys }, { item: 'YK-02', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', ticket: 'CHG-1042', expectedReturn: '8h', brokenSeal: 'S-1', sealIntact: false });
    clock.advanceHours(10);
    appendEntry(session.db, { kind: 'netpath.proved', actors: [OPERATOR], payload: { verdict: 'not_met', summary: 'single path — requirement not met: wwan0 failed', targets: ['login.microsoftonline.com:443'] } }, timestamp(clock));
  });
  afterEach(() => {
    if (session.db.open) session.db.close();
    dir.remove();
  });

  const exportBundle = async (name: string) => {
    const out = join(dir.path, name);
    const { manifest } = await exportAuditBundle(session, drillKeySource(session.db, { store: 'custodians' }), { out, custodian: 'Alice Example', witness: 'Bob Example' });
    return { out, createdAt: manifest.createdAt };
  };

  it('shows who has which item since when, overdue, as of the bundle, and the findings the site itself judges from the same entries', async () => {
    const bundle = await exportBundle('hq-1.kwaudit');
    const auditor = join(dir.path, 'auditor.db');
    addAuditBundle(auditor, bundle.out, clock);
    const [site] = auditorOverview(auditor);
    expect(site!.state).toMatchObject({
      asOf: bundle.createdAt,
      checkIntervalDays: 90,
      overdue: 1,
      out: [{ label: 'YK-02', custodian: 'Alice Example', witness: 'Bob Example', reason: 'maintenance', ticket: 'CHG-1042', brokenSeal: 'S-1', sealIntact: false, returnedAt: null, overdue: true, awaitingCountersign: false }],
    });
    expect(site!.state!.findings.map((f) => f.kind).sort()).toEqual(['custody-overdue', 'netpath-not-met', 'seal-not-intact']);
    expect(site!.state!.open).toEqual({ critical: 0, warning: 1, notice: 2 });

    // The site's own judgement at the bundle's moment, of what its ledger holds: the same verdicts, word for word.
    const atBundle = { db: session.db, clock: { now: () => new Date(bundle.createdAt), utcOffsetMinutes: () => 60 } };
    const sites = judgeNow(atBundle).findings.filter((f) => f.resolution === null && !OUTSIDE_THE_LEDGER.has(f.kind));
    expect(site!.state!.findings).toEqual(sites);
  });

  it('judges the site again as of each bundle that extends its chain', async () => {
    const first = await exportBundle('hq-1.kwaudit');
    const auditor = join(dir.path, 'auditor.db');
    addAuditBundle(auditor, first.out, clock);
    registerSeal(session, { serial: 'S-2' });
    clock.advanceHours(24 * 100);
    const second = await exportBundle('hq-2.kwaudit');
    expect(addAuditBundle(auditor, second.out, clock).standing).toBe('extends');
    const [site] = auditorOverview(auditor);
    expect(site!.state!.asOf).toBe(second.createdAt);
    // A hundred days on, the network proof is stale too (the drill keys' quarterly checks are never due).
    expect(site!.state!.findings.map((f) => f.kind).sort()).toEqual(['custody-overdue', 'netpath-not-met', 'netpath-stale', 'seal-not-intact']);
    expect(site!.state!.out[0]!.expectedReturnAt < second.createdAt).toBe(true);
  });

  it('holds to the chain it knows when a longer fork arrives: the next bundle of that chain extends it, and the fork is not taken for the head', async () => {
    const auditor = join(dir.path, 'auditor.db');
    addAuditBundle(auditor, (await exportBundle('hq-1.kwaudit')).out, clock);
    // A copy of the site's files goes its own way, and writes more than the site before both send bundles.
    session.db.close();
    const copyPath = join(dir.path, 'copy.db');
    copyFileSync(join(dir.path, 'hq.db'), copyPath);
    copyFileSync(drillStorePath(join(dir.path, 'hq.db')), drillStorePath(copyPath));
    const copy: Session = { db: initDatabase(copyPath, clock, OPERATOR).db, clock, actor: OPERATOR };
    session = { ...session, db: initDatabase(join(dir.path, 'hq.db'), clock, OPERATOR).db };
    registerSeal(session, { serial: 'S-2' });
    expect(addAuditBundle(auditor, (await exportBundle('hq-2.kwaudit')).out, clock).standing).toBe('extends');
    const held = auditorOverview(auditor)[0]!;
    for (const serial of ['S-7', 'S-8', 'S-9']) registerSeal(copy, { serial });
    const forked = join(dir.path, 'copy.kwaudit');
    await exportAuditBundle(copy, drillKeySource(copy.db, { store: 'custodians' }), { out: forked, custodian: 'Alice Example', witness: 'Bob Example' });
    copy.db.close();
    const fork = addAuditBundle(auditor, forked, clock);
    expect(fork.standing).toBe('fork');
    expect(fork.head.seq).toBeGreaterThan(held.headSeq);
    expect(auditorOverview(auditor)[0]).toMatchObject({ headSeq: held.headSeq, headHash: held.headHash, closingHash: held.closingHash, state: { asOf: held.state!.asOf } });
    registerSeal(session, { serial: 'S-3' });
    const next = await exportBundle('hq-3.kwaudit');
    expect(addAuditBundle(auditor, next.out, clock).standing).toBe('extends');
    expect(auditorOverview(auditor)[0]).toMatchObject({ headSeq: held.headSeq + 2, state: { asOf: next.createdAt } });
  });

  it('upgrades an auditor database that held hashes only, and fills in a site from its next bundle', async () => {
    const first = await exportBundle('hq-1.kwaudit');
    const auditor = join(dir.path, 'auditor.db');
    addAuditBundle(auditor, first.out, clock);
    // As schema 1 left it: the chain's hashes, no entries, no judgement.
    const raw = new Database(auditor);
    raw.exec('DROP TABLE site_states; ALTER TABLE chain DROP COLUMN body; ALTER TABLE chain DROP COLUMN kind;');
    raw.pragma('user_version = 1');
    raw.close();
    expect(auditorOverview(auditor)[0]!.state).toBeNull();
    const second = await exportBundle('hq-2.kwaudit');
    expect(addAuditBundle(auditor, second.out, clock).standing).toBe('extends');
    expect(auditorOverview(auditor)[0]!.state).toMatchObject({ asOf: second.createdAt, out: [{ label: 'YK-02' }] });
  });
});
