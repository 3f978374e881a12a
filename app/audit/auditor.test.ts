import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drillStorePath } from '../../db/drill-store';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession, steppingClock } from '../../test/support/session';
import { registerSeal } from '../inventory/inventory';
import { initDatabase } from '../keyward';
import { nameSite } from '../ledger/checkpoints';
import type { Session } from '../ports';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { exportAuditBundle } from './audit-export';
import { addAuditBundle, auditorOverview } from './auditor';

type TestSession = ReturnType<typeof openTestSession>;
const keysOf = (session: Pick<Session, 'db'>): KeySource => ({ simulated: false, open: (target) => drillKeySource(session.db, { store: 'custodians' }).open(target) });

describe("an auditor's database of many sites' bundles", () => {
  let s: TestSession;
  let auditor: string;
  let n = 0;
  const exportFrom = async (session: Session, name: string) => {
    const out = join(s.dir, `${name}-${(n += 1)}.kwaudit`);
    await exportAuditBundle(session, keysOf(session), { out, custodian: 'Alice Example', witness: 'Bob Example' });
    return out;
  };
  beforeEach(async () => {
    s = openTestSession();
    auditor = join(s.dir, 'auditor.kwaudit.db');
    await custodiansOf(s, keysOf(s), ['Alice Example', 'Bob Example']);
    nameSite(s, { name: 'HQ' });
  });
  afterEach(() => s.close());

  it('names a new site, holds a bundle that extends it, and refuses the same file twice', async () => {
    const first = await exportFrom(s, 'HQ');
    registerSeal(s, { serial: 'S-1' });
    const second = await exportFrom(s, 'HQ');
    expect(addAuditBundle(auditor, first, s.clock)).toMatchObject({ standing: 'new-site', site: { name: 'HQ' }, findings: [{ kind: 'unknown-site', severity: 'notice', message: expect.stringContaining('a site this auditor database did not know') }] });
    expect(addAuditBundle(auditor, second, s.clock)).toMatchObject({ standing: 'extends', findings: [] });
    expect(() => addAuditBundle(auditor, second, s.clock)).toThrow('this bundle was added already');
    expect(auditorOverview(auditor)).toMatchObject([{ siteName: 'HQ', bundles: 2, checkpoints: 1, findings: [{ kind: 'unknown-site' }] }]);
  });

  it('makes a rollback of a site a critical finding naming both heads', async () => {
    const older = await exportFrom(s, 'HQ');
    registerSeal(s, { serial: 'S-1' });
    const newer = await exportFrom(s, 'HQ');
    const held = addAuditBundle(auditor, newer, s.clock).head;
    const back = addAuditBundle(auditor, older, s.clock);
    expect(back).toMatchObject({ standing: 'rollback', findings: [{ kind: 'rollback', severity: 'critical' }] });
    expect(back.findings[0]!.message).toContain(back.head.hash);
    expect(back.findings[0]!.message).toContain(held.hash);
  });

  it('makes a fork of a site a critical finding naming both heads, and keeps other sites apart', async () => {
    await exportFrom(s, 'HQ');
    // A copy of the site's files goes its own way from here.
    s.db.close();
    const forkPath = join(s.dir, 'fork.db');
    copyFileSync(s.path, forkPath);
    copyFileSync(drillStorePath(s.path), drillStorePath(forkPath));
    const main = { ...s, db: initDatabase(s.path, s.clock, s.actor).db };
    const fork = { db: initDatabase(forkPath, steppingClock('2026-12-01T09:00:00.000Z'), s.actor).db, clock: steppingClock('2026-12-01T09:00:00.000Z'), actor: s.actor };
    registerSeal(main, { serial: 'S-1' });
    registerSeal(fork, { serial: 'S-9' });
    const honest = await exportFrom(main, 'HQ');
    const forked = await exportFrom(fork, 'HQ');
    fork.db.close();
    main.db.close();
    expect(addAuditBundle(auditor, honest, s.clock).standing).toBe('new-site');
    const added = addAuditBundle(auditor, forked, s.clock);
    expect(added).toMatchObject({ standing: 'fork', findings: [{ kind: 'fork', severity: 'critical', message: expect.stringMatching(/^HQ \([0-9a-f]{16}…\) forked: this bundle's head [0-9a-f]{64} \(entry \d+\) does not extend the head held from an earlier bundle, [0-9a-f]{64}/) }] });

    // Another site: its own ledger, begun at its own moment.
    const otherClock = steppingClock('2026-10-01T08:00:00.000Z');
    const other = { db: initDatabase(join(s.dir, 'branch.db'), otherClock, s.actor).db, clock: otherClock, actor: s.actor };
    try {
      await custodiansOf(other, keysOf(other), ['Alice Example', 'Bob Example']);
      nameSite(other, { name: 'Branch' });
      const out = join(s.dir, 'branch.kwaudit');
      await exportAuditBundle(other, keysOf(other), { out, custodian: 'Alice Example', witness: 'Bob Example' });
      expect(addAuditBundle(auditor, out, s.clock)).toMatchObject({ standing: 'new-site', site: { name: 'Branch' } });
    } finally {
      other.db.close();
    }
    expect(auditorOverview(auditor).map((site) => [site.siteName, site.findings.map((f) => f.kind)])).toEqual([
      ['Branch', ['unknown-site']],
      ['HQ', ['fork', 'unknown-site']],
    ]);
  });

  it('refuses a bundle that does not verify, and a file that is not an auditor database', async () => {
    const bundle = await exportFrom(s, 'HQ');
    expect(() => addAuditBundle(s.path, bundle, s.clock)).toThrow(/is not a Keyward auditor database/);
    expect(() => addAuditBundle(auditor, s.path, s.clock)).toThrow(/the bundle does not verify/);
  });
});
