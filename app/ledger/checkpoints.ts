import type { Checkpoint, Site } from '../../core/ledger/checkpoint';
import { KeywardError } from '../../core/errors';
import { parseText } from '../../core/inventory/inventory';
import type { LedgerEntry, LedgerEntryKind } from '../../core/ledger/ledger';
import type { LedgerVerification } from '../../core/ledger/ledger-verification';
import { appendEntry, entriesOfKinds, firstEntry, latestEntryOfKinds, prepareEntry, readHead } from '../../db/ledger';
import type { KeywardDatabase } from '../../db/connection';
import { approveAndWrite, approverNamed, type ApprovalStep } from '../custody/custodian-keys';
import type { KeySource } from '../presence/key-sources';
import { timestamp, type Session } from '../ports';

export type { Checkpoint, Site };

/** After these, the head is worth pinning: a custody transaction, a presence check, a validation. */
const PROMPTING_KINDS: readonly LedgerEntryKind[] = ['custody.checked_out', 'custody.returned', 'custody.countersigned', 'presence.checked', 'validation.completed'];

export function siteOf(db: KeywardDatabase): Site {
  const named = latestEntryOfKinds(db, ['site.named']);
  return { id: firstEntry(db)?.hash ?? '', name: typeof named?.payload.name === 'string' ? named.payload.name : '' };
}

/** The site's name, as printed on bundles and checkpoints; the site's id never changes. */
export function nameSite(session: Session, input: { name?: unknown }): Site {
  const name = parseText(input.name, 'name', { required: true, max: 80 });
  appendEntry(session.db, { kind: 'site.named', actors: [session.actor], payload: { name } }, timestamp(session.clock));
  return siteOf(session.db);
}

/** A checkpoint's hash as given from elsewhere (printed by keyward checkpoint, on a report, in a bundle). */
export function parseCheckpointHash(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value.trim().toLowerCase())) throw new KeywardError('invalid_input', 'the expected checkpoint must be its SHA-256 hash: 64 hexadecimal characters', 'expectCheckpoint');
  return value.trim().toLowerCase();
}

/**
 * A verification that also requires the ledger to pass through a signed checkpoint known from
 * elsewhere: a chain rewritten from before that checkpoint, or cut back behind it, no longer does.
 */
export function throughCheckpoint(db: KeywardDatabase, verification: LedgerVerification, expected: unknown): LedgerVerification {
  const hash = parseCheckpointHash(expected);
  if (hash === undefined || !verification.ok || listCheckpoints(db).some((c) => c.hash === hash)) return verification;
  return {
    ...verification,
    ok: false,
    firstBadSeq: verification.headSeq + 1,
    reason: 'head_mismatch',
    message: `the ledger was rewritten after checkpoint ${hash}: it no longer passes through that signed checkpoint (entries were removed or replaced)`,
  };
}

export function toCheckpoint(entry: LedgerEntry): Checkpoint {
  const p = entry.payload as Record<string, unknown>;
  const actor = (role: string) => entry.actors.find((a) => a.role === role)?.name ?? '';
  return {
    number: Number(p.number),
    seq: entry.seq,
    hash: entry.hash,
    recordedAt: entry.recordedAt,
    headHash: String(p.headHash),
    entries: Number(p.entries),
    site: p.site as unknown as Site,
    custodian: actor('custodian'),
    witness: actor('witness'),
    drill: p.drill === true,
    ...(typeof p.manifest === 'string' ? { manifest: p.manifest } : {}),
  };
}

export const listCheckpoints = (db: KeywardDatabase): Checkpoint[] => entriesOfKinds(db, ['ledger.checkpoint']).map(toCheckpoint);

export function lastCheckpoint(db: KeywardDatabase): Checkpoint | undefined {
  const entry = latestEntryOfKinds(db, ['ledger.checkpoint']);
  return entry && toCheckpoint(entry);
}

/** Whether the newest entry is one after which custodians are asked to sign a checkpoint. */
export function checkpointDue(db: KeywardDatabase): boolean {
  const prompting = latestEntryOfKinds(db, PROMPTING_KINDS);
  return prompting !== undefined && prompting.seq === readHead(db).seq;
}

export interface CheckpointInput {
  readonly custodian?: unknown;
  readonly witness?: unknown;
}

/**
 * Two custodians sign the current head, the entry count and the site with their own keys, as a
 * ledger entry of its own: from then on a chain rewritten behind it no longer carries their
 * signatures, however consistently it was re-hashed.
 */
export async function recordCheckpoint(session: Session, keys: KeySource, input: CheckpointInput, onApproval: (step: ApprovalStep) => void = () => undefined, extra: { manifest?: string; expectHead?: string } = {}): Promise<Checkpoint> {
  const custodian = approverNamed(session, input.custodian, 'custodian');
  const witness = approverNamed(session, input.witness, 'witness');
  if (custodian.id === witness.id) throw new KeywardError('invalid_input', 'a checkpoint is signed by two different custodians', 'witness');
  for (const [person, field] of [[custodian, 'custodian'], [witness, 'witness']] as const) {
    if ((person.key === 'drill') !== keys.simulated) throw new KeywardError('invalid_input', `${person.name}'s key is ${person.key === 'drill' ? 'a drill key' : 'a real key'}; use the matching mode`, field);
  }
  const head = readHead(session.db);
  if (extra.expectHead !== undefined && head.hash !== extra.expectHead) throw new KeywardError('conflict', `the ledger moved on (entry ${head.seq} is now the head) while the bundle was made; make it again`);
  const prepared = prepareEntry(
    session.db,
    {
      kind: 'ledger.checkpoint',
      actors: [{ role: 'custodian', name: custodian.name }, { role: 'witness', name: witness.name }],
      payload: {
        number: listCheckpoints(session.db).length + 1,
        headHash: head.hash,
        entries: head.seq,
        site: { ...siteOf(session.db) },
        custodianId: custodian.id,
        witnessId: witness.id,
        drill: keys.simulated,
        ...(extra.manifest ? { manifest: extra.manifest } : {}),
      },
    },
    timestamp(session.clock),
  );
  const entry = await approveAndWrite(session, keys, prepared, [{ custodian, role: 'custodian' }, { custodian: witness, role: 'witness' }], onApproval);
  return toCheckpoint(entry);
}
