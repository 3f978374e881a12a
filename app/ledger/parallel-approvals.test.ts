import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UnsealedEntry } from '../../core/ledger/ledger';
import { openDatabase } from '../../db/connection';
import { findCustodianByName } from '../../db/custodians';
import { appendPreparedEntry, prepareEntry } from '../../db/ledger';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { collectApproval } from '../custody/custodian-keys';
import { timestamp } from '../ports';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { verifyChainAndApprovals } from './ledger';
import { checkSignaturesInParallel } from './signature-checks';

/** Software keys standing in for real hardware (there is none here): recorded as real, not drills. */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

describe('approvals checked on worker threads', () => {
  let s: ReturnType<typeof openTestSession>;
  let keys: KeySource;
  beforeEach(async () => {
    s = openTestSession();
    keys = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    await custodiansOf(s, keys, ['Alice Example', 'Bob Example']);
  });
  afterEach(() => s.close());

  const countersigned = (note: string): UnsealedEntry =>
    prepareEntry(s.db, { kind: 'custody.countersigned', actors: [{ role: 'witness', name: 'Bob Example' }], payload: { note, countersignerId: findCustodianByName(s.db, 'Bob Example')!.id } }, timestamp(s.clock));
  /** An entry signed by Bob; `forge` swaps in the signature of another entry, as someone without his key would. */
  async function append(note: string, forge?: string) {
    const entry = countersigned(note);
    const { approval } = await collectApproval(s, keys, findCustodianByName(s.db, 'Bob Example')!, entry, 'countersigner');
    const signature = forge ?? approval.signature;
    return { entry: appendPreparedEntry(s.db, entry, [{ ...approval, signature }]), signature: approval.signature };
  }
  /** Every signature goes to the threads, from the first. */
  const verifyOnThreads = () => verifyChainAndApprovals(s.db, { signatures: checkSignaturesInParallel({ threads: 2, threadsFrom: 0 }) });

  it('verifies a ledger whose every approval was checked on another thread', async () => {
    for (let i = 0; i < 6; i += 1) await append(`note ${i}`);
    expect(verifyOnThreads()).toMatchObject({ ok: true });
  });

  it('names the entry with a forged approval, also when a later entry was edited too', async () => {
    const { signature } = await append('note 0');
    const { entry: forged } = await append('note 1', signature);
    const { entry: later } = await append('note 2');
    await append('note 3');
    expect(verifyOnThreads()).toMatchObject({ ok: false, firstBadSeq: forged.seq, reason: 'approval_invalid', headSeq: forged.seq - 1, headHash: forged.prevHash, message: `entry ${forged.seq}: the countersigner's signature does not verify` });
    s.db.close();
    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, 'note 2', 'note 9') WHERE seq = ?").run(later.seq));
    s = { ...s, db: openDatabase(s.path) };
    expect(verifyOnThreads()).toMatchObject({ ok: false, firstBadSeq: forged.seq, reason: 'approval_invalid' });
  });
});
