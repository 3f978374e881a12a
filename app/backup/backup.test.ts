import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase } from '../../db/connection';
import { SCHEMA_VERSION } from '../../db/migrations/index';
import { appendEntry, latestEntryOfKinds, readHead } from '../../db/ledger';
import { endChild } from '../../test/support/children';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { judgeNow } from '../findings/findings';
import { initDatabase } from '../keyward';
import { recordCheckpoint } from '../ledger/checkpoints';
import { verifyStoredLedger } from '../ledger/ledger';
import { timestamp } from '../ports';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { backupDatabase } from './backup';
import { fileSha256, verifyCopy } from './backup-file';
import { restoreDatabase } from './restore';

type TestSession = ReturnType<typeof openTestSession>;
const taker = new URL('../../test/support/backup-taker.ts', import.meta.url).pathname;

/** Entries that change no inventory table, to give the file some pages. */
function grow(s: Pick<TestSession, 'db' | 'clock' | 'actor'>, entries: number) {
  s.db.transaction(() => {
    for (let i = 0; i < entries; i += 1) appendEntry(s.db, { kind: 'site.named', actors: [s.actor], payload: { name: `HQ ${i} ${'x'.repeat(200)}` } }, timestamp(s.clock));
  })();
}

describe('backups', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('copies the database while another connection writes, verifies the copy and records it in the ledger', async () => {
    grow(s, 6000);
    const writer = openDatabase(s.path);
    let writes = 0;
    let copying = false;
    const out = join(s.dir, 'backup.kwbackup');
    const result = await backupDatabase(s, { out }, () => {
      copying = true;
      // Another Keyward process writes between the copy's steps.
      if (writes < 5) {
        appendEntry(writer, { kind: 'site.named', actors: [s.actor], payload: { name: `during ${writes}` } }, timestamp(s.clock));
        writes += 1;
      }
    });
    writer.close();
    expect(copying).toBe(true);
    expect(writes).toBeGreaterThan(0);
    expect(verifyCopy(out)).toMatchObject({ verification: { ok: true }, head: { seq: result.headSeq, hash: result.headHash } });
    expect(result.sha256).toBe(fileSha256(out));
    expect(latestEntryOfKinds(s.db, ['ledger.backed_up'])).toMatchObject({ seq: result.ledgerSeq, payload: { sha256: result.sha256, headHash: result.headHash } });
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });
    expect(readdirSync(s.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('refuses to overwrite the database or to write into a missing folder, and records nothing', async () => {
    const head = readHead(s.db);
    await expect(backupDatabase(s, { out: s.path })).rejects.toMatchObject({ code: 'invalid_input', message: 'a backup cannot overwrite the database it copies' });
    await expect(backupDatabase(s, { out: join(s.dir, 'missing', 'b.kwbackup') })).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
    expect(readHead(s.db)).toEqual(head);
  });

  it('leaves no partial file at the target name when the process is killed with SIGKILL during the backup', async () => {
    grow(s, 6000);
    let killedMidCopy = 0;
    for (const [round, killAtStep] of [1, 2, 3].entries()) {
      const out = join(s.dir, `killed-${round}.kwbackup`);
      const child = spawn(process.execPath, ['--import', 'tsx', taker, s.path, out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let steps = 0;
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const ended = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        steps += (chunk.toString().match(/^copying /gm) ?? []).length;
        if (steps >= killAtStep) child.kill('SIGKILL');
      });
      const bounded = setTimeout(() => void endChild(child, 0), 60_000);
      const signal = await ended;
      clearTimeout(bounded);
      // Killed, or (past its last step) finished: either way the target is absent or whole.
      expect(signal === 'SIGKILL' || /done\n$/.test(stdout), stderr).toBe(true);
      if (existsSync(out)) expect(verifyCopy(out).verification.ok).toBe(true);
      else killedMidCopy += 1;
    }
    expect(killedMidCopy).toBeGreaterThan(0);
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });
  });
});

describe('the backup reminder', () => {
  it('is a finding while no backup was made within the organisation\'s interval, and ends with a verified backup', async () => {
    const s = openTestSession();
    try {
      const at = (iso: string) => ({ now: () => new Date(iso), utcOffsetMinutes: () => 60 });
      const open = () => judgeNow({ db: s.db, clock: at('2027-03-01T00:00:00.000Z') }).findings.filter((f) => f.kind === 'backup-stale');
      expect(judgeNow({ db: s.db, clock: at('2027-02-01T00:00:00.000Z') }).findings.filter((f) => f.kind === 'backup-stale')).toEqual([]);
      expect(open()).toMatchObject([{ severity: 'warning', title: 'No backup in 90 days', closure: 'condition' }]);
      await backupDatabase({ ...s, clock: at('2027-02-20T00:00:00.000Z') }, { out: join(s.dir, 'b.kwbackup') });
      expect(open()).toEqual([]);
    } finally {
      s.close();
    }
  });
});

describe('restoring a backup', () => {
  let s: TestSession;
  let keys: KeySource;
  beforeEach(async () => {
    s = openTestSession();
    keys = { simulated: false, open: (target) => drillKeySource(s.db, { store: 'custodians' }).open(target) };
    await custodiansOf(s, keys, ['Alice Example', 'Bob Example', 'Carol Example']);
  });
  afterEach(() => s.close());

  const reopen = () => initDatabase(s.path, s.clock, s.actor).db;

  it('refuses a backup behind the last checkpoint without two custodians, and changes nothing; restores it with their signatures and a reason', async () => {
    const older = join(s.dir, 'older.kwbackup');
    await backupDatabase(s, { out: older });
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    const before = readHead(s.db);
    const target = { path: s.path, current: s, clock: s.clock, actor: s.actor };
    await expect(restoreDatabase(target, keys, { file: older })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`behind checkpoint 1 (entry ${checkpoint.seq}) recorded in the database: restoring it would lose signed history; two custodians must sign the restore`),
    });
    await expect(restoreDatabase(target, keys, { file: older, custodian: 'Alice Example', witness: 'Bob Example' })).rejects.toMatchObject({ code: 'conflict' });
    expect(s.db.open).toBe(true);
    expect(readHead(s.db)).toEqual(before);

    const restored = await restoreDatabase(target, keys, { file: older, custodian: 'Alice Example', witness: 'Carol Example', reason: 'INC-9: database disk failed' }, () => undefined);
    expect(restored).toMatchObject({ rollback: true, behind: [checkpoint.hash] });
    const db = reopen();
    try {
      expect(verifyStoredLedger(db)).toMatchObject({ ok: true, headSeq: restored.ledgerSeq });
      const entry = latestEntryOfKinds(db, ['ledger.restored'])!;
      expect(entry).toMatchObject({ payload: { rollback: true, reason: 'INC-9: database disk failed', replacedHead: before }, approvals: [{ role: 'custodian' }, { role: 'witness' }] });
      expect(latestEntryOfKinds(db, ['ledger.checkpoint'])).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('refuses a backup without a checkpoint given from elsewhere, even with no database left', async () => {
    const older = join(s.dir, 'older.kwbackup');
    await backupDatabase(s, { out: older });
    const checkpoint = await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    const lost = join(s.dir, 'new-machine.db');
    await expect(restoreDatabase({ path: lost, clock: s.clock, actor: s.actor }, keys, { file: older, expectCheckpoint: checkpoint.hash })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('behind the checkpoint given') });
    await expect(restoreDatabase({ path: lost, clock: s.clock, actor: s.actor }, keys, { file: older, expectCheckpoint: 'abc' })).rejects.toMatchObject({ code: 'invalid_input', field: 'expectCheckpoint' });
    expect(existsSync(lost)).toBe(false);
  });

  it('refuses a backup of a schema this Keyward does not know, clearly, changing nothing', async () => {
    const future = join(s.dir, 'future.kwbackup');
    await backupDatabase(s, { out: future });
    const file = new Database(future);
    file.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    file.close();
    const before = readHead(s.db);
    await expect(restoreDatabase({ path: s.path, current: s, clock: s.clock, actor: s.actor }, undefined, { file: future })).rejects.toMatchObject({ code: 'database_too_new', message: expect.stringContaining('was written by a newer Keyward') });
    expect(readHead(s.db)).toEqual(before);
  });

  it('restores a backup that holds the last checkpoint without signatures, and records the restore', async () => {
    await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    const recent = join(s.dir, 'recent.kwbackup');
    const backup = await backupDatabase(s, { out: recent });
    const restored = await restoreDatabase({ path: s.path, current: s, clock: s.clock, actor: s.actor }, undefined, { file: recent });
    expect(restored).toMatchObject({ rollback: false, behind: [], ledgerSeq: backup.headSeq + 1 });
    const db = reopen();
    try {
      expect(verifyStoredLedger(db)).toMatchObject({ ok: true });
      expect(latestEntryOfKinds(db, ['ledger.restored'])).toMatchObject({ payload: { rollback: false, sha256: backup.sha256 } });
    } finally {
      db.close();
    }
  });
});
