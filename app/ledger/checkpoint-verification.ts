import type { Approval, UnsealedEntry } from '../../core/ledger/ledger';
import { chainFieldsOf } from '../../core/ledger/ledger';
import { approvalChallenge } from './approval-verification';

/** A ledger inspector; `kind` is the entry's kind where the walk already read it. */
type Inspect = (body: string, seq: number, kind?: string) => string | undefined;

interface CheckpointEntry extends UnsealedEntry {
  readonly approvals?: readonly Approval[];
}

const challengeOf = (approval: Approval): unknown => {
  try {
    return (JSON.parse(Buffer.from(approval.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge;
  } catch {
    return undefined;
  }
};

/**
 * Wraps a ledger inspector with the checks a signed checkpoint carries: it pins the head before
 * it (hash and entry count) and the site, and two custodians signed exactly that. A chain
 * re-hashed consistently behind a checkpoint keeps the old signatures, which no longer cover it:
 * verification says the ledger was rewritten after that checkpoint. Every other entry, and the
 * signatures themselves, are left to the wrapped inspector.
 */
export function withCheckpoints(inspect: Inspect): Inspect {
  let siteId: string | undefined;
  let count = 0;
  /** The challenge each earlier checkpoint's custodians signed, to name a replayed signature. */
  const signed = new Map<string, number>();
  return (body, seq, kind) => {
    if (seq === 2) siteId = chainFieldsOf(body)?.prevHash;
    if (kind === undefined ? !body.includes('"kind":"ledger.checkpoint"') : kind !== 'ledger.checkpoint') return inspect(body, seq, kind);
    let entry: CheckpointEntry;
    try {
      entry = JSON.parse(body) as CheckpointEntry;
    } catch {
      return 'the entry is not well-formed JSON';
    }
    if (entry.kind !== 'ledger.checkpoint') return inspect(body, seq);
    const p = entry.payload as Record<string, unknown>;
    const number = count + 1;
    if (p.number !== number) return `checkpoint ${String(p.number)} is out of order: the checkpoints before it make it checkpoint ${number}`;
    const site = p.site as { id?: unknown } | undefined;
    if (p.headHash !== entry.prevHash || p.entries !== seq - 1 || site?.id !== siteId) {
      return `the ledger was rewritten after checkpoint ${number}: it pins head ${String(p.headHash).slice(0, 16)}… after ${String(p.entries)} entries of site ${String(site?.id).slice(0, 16)}…, and the chain reaching it is not that one`;
    }
    const challenge = approvalChallenge(entry);
    for (const approval of entry.approvals ?? []) {
      const theirs = challengeOf(approval);
      if (theirs === challenge) continue;
      const earlier = typeof theirs === 'string' ? signed.get(theirs) : undefined;
      if (earlier !== undefined) return `checkpoint ${number} carries the ${approval.role}'s signature replayed from checkpoint ${earlier}`;
      return `the ledger was rewritten after checkpoint ${number} was signed: the ${approval.role}'s signature covers another chain than the one reaching entry ${seq}`;
    }
    const problem = inspect(body, seq);
    if (problem) return `checkpoint ${number}: ${problem}`;
    signed.set(challenge, number);
    count = number;
    return undefined;
  };
}
