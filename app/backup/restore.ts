import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { KeywardError } from '../../core/errors';
import { parseText } from '../../core/inventory/inventory';
import type { Approval, Actor } from '../../core/ledger/ledger';
import { openDatabase } from '../../db/connection';
import { findCustodianCredential, saveCustodianDrillKey, updateCustodianSignCount } from '../../db/custody';
import { appendPreparedEntry, prepareEntry, readHead } from '../../db/ledger';
import { approverNamed, collectApprovalWith, type ApprovalStep } from '../custody/custodian-keys';
import { lastCheckpoint, parseCheckpointHash } from '../ledger/checkpoints';
import { timestamp, type Clock, type Session } from '../ports';
import type { KeySource } from '../presence/key-sources';
import { copyDatabase, fileSha256, moveIntoPlace, refuseUnverified, removeQuietly, syncPath, temporaryBeside, verifyCopy } from './backup-file';

export interface RestoreInput {
  readonly file?: unknown;
  /** A checkpoint's hash known from elsewhere (printed, or in an audit bundle) that the backup must still hold. */
  readonly expectCheckpoint?: unknown;
  readonly custodian?: unknown;
  readonly witness?: unknown;
  readonly reason?: unknown;
}

export interface RestoreResult {
  readonly path: string;
  readonly headSeq: number;
  readonly headHash: string;
  readonly rollback: boolean;
  /** The checkpoints the backup lacks, which the restore went back behind (with two custodians' signatures). */
  readonly behind: readonly string[];
  readonly ledgerSeq: number;
}

/** Where the database is restored to, and the open database there now (none after a total loss). */
export interface RestoreTarget {
  readonly path: string;
  readonly current?: Session;
  readonly clock: Clock;
  readonly actor: Actor;
}

/**
 * Puts a verified backup in place of the database. A backup that lacks the last checkpoint the
 * database recorded, or one given from elsewhere, would silently lose signed history: it is
 * refused unless two custodians sign the restore, with a reason, in a `ledger.restored` entry
 * that the restored ledger carries from then on. The new file is built beside the old one and
 * renamed over it only once it verifies.
 */
export async function restoreDatabase(target: RestoreTarget, keys: KeySource | undefined, input: RestoreInput, onApproval: (step: ApprovalStep) => void = () => undefined): Promise<RestoreResult> {
  const file = resolve(parseText(input.file, 'file', { required: true, max: 4096 }));
  if (!existsSync(file)) throw new KeywardError('invalid_input', `there is no backup at ${file}`, 'file');
  if (file === resolve(target.path)) throw new KeywardError('invalid_input', 'the backup is the database itself', 'file');
  const expected = parseCheckpointHash(input.expectCheckpoint);
  const backup = verifyCopy(file);
  refuseUnverified('the backup', backup.verification);
  const recorded = target.current ? lastCheckpoint(target.current.db) : undefined;
  const behind = [...new Set([expected, recorded?.hash].filter((h): h is string => h !== undefined && !backup.checkpoints.includes(h)))];
  const rollback = behind.length > 0;
  const reason = parseText(input.reason, 'reason', { required: false, max: 300 });
  if (rollback && (!input.custodian || !input.witness || !reason)) {
    const which = recorded && behind.includes(recorded.hash) ? `checkpoint ${recorded.number} (entry ${recorded.seq}) recorded in the database` : 'the checkpoint given';
    throw new KeywardError('conflict', `the backup ends at entry ${backup.head.seq}, behind ${which}: restoring it would lose signed history; two custodians must sign the restore with a reason (--custodian, --witness, --reason)`, 'file');
  }
  const source = openDatabase(file, { readonly: true });
  const temporary = temporaryBeside(resolve(target.path), 'restore');
  try {
    const approvers = rollback ? [{ custodian: approverNamed({ db: source }, input.custodian, 'custodian'), role: 'custodian' as const }, { custodian: approverNamed({ db: source }, input.witness, 'witness'), role: 'witness' as const }] : [];
    if (rollback && approvers[0]!.custodian.id === approvers[1]!.custodian.id) throw new KeywardError('invalid_input', 'a restore is signed by two different custodians', 'witness');
    const prepared = prepareEntry(
      source,
      {
        kind: 'ledger.restored',
        actors: [target.actor, ...approvers.map((a) => ({ role: a.role, name: a.custodian.name }))],
        payload: {
          sha256: fileSha256(file),
          restoredHeadSeq: backup.head.seq,
          restoredHeadHash: backup.head.hash,
          replacedHead: target.current ? { ...readHead(target.current.db) } : null,
          rollback,
          behind,
          reason,
          ...(rollback ? { custodianId: approvers[0]!.custodian.id, witnessId: approvers[1]!.custodian.id } : {}),
        },
      },
      timestamp(target.clock),
    );
    const approvals: Approval[] = [];
    const counts: [number, number][] = [];
    for (const { custodian, role } of approvers) {
      if (!keys) throw new KeywardError('invalid_input', 'no custodian keys to sign the restore with', role);
      onApproval({ role, name: custodian.name, step: 'touch' });
      const collected = await collectApprovalWith(keys, custodian, findCustodianCredential(source, custodian.id)!, prepared, role);
      if (collected.drillState && target.current) saveCustodianDrillKey(target.current.db, custodian.id, collected.drillState);
      approvals.push(collected.approval);
      counts.push([custodian.id, collected.newSignCount]);
      onApproval({ role, name: custodian.name, step: 'approved' });
    }
    await copyDatabase(source, temporary);
    const restored = new Database(temporary);
    try {
      restored.transaction(() => {
        appendPreparedEntry(restored, prepared, approvals);
        for (const [id, count] of counts) updateCustodianSignCount(restored, id, count);
      })();
    } finally {
      restored.close();
    }
    syncPath(temporary);
    refuseUnverified('the restored database', verifyCopy(temporary).verification);
    if (target.current) {
      target.current.db.pragma('wal_checkpoint(TRUNCATE)');
      target.current.db.close();
      if (existsSync(`${target.path}-wal`)) throw new KeywardError('conflict', 'another Keyward process has the database open; close it, then restore again (nothing was changed)', 'db');
    }
    moveIntoPlace(temporary, resolve(target.path));
    return { path: resolve(target.path), headSeq: prepared.seq, headHash: verifyCopy(resolve(target.path)).head.hash, rollback, behind, ledgerSeq: prepared.seq };
  } finally {
    source.close();
    removeQuietly(temporary);
  }
}
