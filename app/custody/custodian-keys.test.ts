import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { recordCheckpoint } from '../ledger/checkpoints';
import { DrillTouchPad } from '../presence/drill-touch';
import { drillKeySource } from '../presence/key-sources';

type TestSession = ReturnType<typeof openTestSession>;

// A custodian at the desk who refuses the touch, or touches another key than their own: the
// approval is not given, said in words at that custodian's role, and nothing is written.
describe("a custodian's approval not given", () => {
  let s: TestSession;
  beforeEach(async () => {
    s = openTestSession();
    await custodiansOf(s, drillKeySource(s.db, { store: 'custodians' }), ['Alice Example', 'Bob Example']);
  });
  afterEach(() => s.close());

  const entries = () => s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get();

  /** Drill custodian keys whose touches the person answers as `answers` says, key by key. */
  function keysAnswering(answers: Record<string, 'touched' | 'denied'>) {
    const pad: DrillTouchPad = new DrillTouchPad(({ label, waiting }) => {
      if (waiting) queueMicrotask(() => pad.answer(answers[label] ?? 'denied'));
    });
    return drillKeySource(s.db, { store: 'custodians', touchPad: pad });
  }

  it('names the witness who refused the touch, at the witness, and writes nothing', async () => {
    const before = entries();
    const keys = keysAnswering({ "Alice Example's key": 'touched', "Bob Example's key": 'denied' });
    const refused = recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    await expect(refused).rejects.toMatchObject({
      name: 'KeywardError',
      code: 'device',
      field: 'witness',
      message: 'Bob Example gave no approval: the touch was refused (CTAP2_ERR_OPERATION_DENIED); nothing was written',
    });
    expect(entries()).toBe(before);
  });

  it('names a key that does not hold the custodian\'s credential as not theirs', async () => {
    const before = entries();
    // Alice's credential as stored no longer names the one on the key she touches.
    s.db.prepare("UPDATE custodian_credentials SET credential_id = 'AAAAAAAAAAAAAAAAAAAAAA' WHERE custodian_id = (SELECT id FROM custodians WHERE name = 'Alice Example')").run();
    const keys = keysAnswering({ "Alice Example's key": 'touched', "Bob Example's key": 'touched' });
    await expect(recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' })).rejects.toMatchObject({
      code: 'device',
      field: 'custodian',
      message: "the key touched for Alice Example does not hold their enrolled credential (CTAP2_ERR_NO_CREDENTIALS), so it is not their key; nothing was written",
    });
    expect(entries()).toBe(before);
  });
});
