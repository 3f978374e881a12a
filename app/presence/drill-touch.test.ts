import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestSession } from '../../test/support/session';
import { DrillTouchPad } from './drill-touch';
import { enrolKey } from './enrolment';
import { drillKeySource, type KeySource } from './key-sources';
import { runPresenceCheck, type CheckProgress } from './presence-check';

type TestSession = ReturnType<typeof openTestSession>;
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
};

describe('the drill touch pad', () => {
  it('holds a drill key until a person answers, and tells the desktop when the wait starts and ends', async () => {
    const events: { label: string; waiting: boolean }[] = [];
    const pad = new DrillTouchPad((e) => events.push(e));
    expect(() => pad.answer('touched')).toThrow(/no drill key is waiting for a touch/);
    const touched = pad.presenceFor('YK-01')();
    expect(pad.waitingLabel).toBe('YK-01');
    expect(() => pad.answer('yes')).toThrow(/answer must be "touched" or "denied"/);
    expect(pad.waitingLabel).toBe('YK-01');
    expect(pad.answer('touched')).toEqual({ label: 'YK-01' });
    expect(await touched).toBe('touched');
    const denied = pad.presenceFor('YK-02')();
    pad.answer('denied');
    expect(await denied).toBe('denied');
    expect(events).toEqual([
      { label: 'YK-01', waiting: true },
      { label: 'YK-01', waiting: false },
      { label: 'YK-02', waiting: true },
      { label: 'YK-02', waiting: false },
    ]);
  });

  it('ends a wait that was given up (a newer wait, or the key closed) so that no stale touch is taken', async () => {
    const pad = new DrillTouchPad();
    const first = pad.presenceFor('YK-01')();
    const second = pad.presenceFor('YK-02')();
    expect(await first).toBe('timeout');
    pad.release('YK-01'); // not the one waiting: nothing changes
    expect(pad.waitingLabel).toBe('YK-02');
    pad.release('YK-02');
    expect(await second).toBe('timeout');
    expect(() => pad.answer('touched')).toThrow(/no drill key is waiting/);
  });
});

describe('drill keys that wait at the pad, in the use cases', () => {
  let s: TestSession;
  let pad: DrillTouchPad;
  let drill: KeySource;
  beforeEach(() => {
    s = openTestSession();
    pad = new DrillTouchPad();
    drill = drillKeySource(s.db, { touchPad: pad });
  });
  afterEach(() => s.close());
  const checks = () => s.db.prepare("SELECT count(*) FROM ledger_entries WHERE kind = 'presence.checked'").pluck().get();

  it('enrols and checks only once the person has touched, with the touch prompt shown first', async () => {
    const enrolling = enrolKey(s, drill, { label: 'YK-01' });
    await until(() => pad.waitingLabel === 'YK-01');
    pad.answer('touched');
    await enrolling;

    const progress: CheckProgress[] = [];
    const checking = runPresenceCheck(s, drill, {}, (p) => progress.push(p));
    await until(() => pad.waitingLabel === 'YK-01');
    await until(() => progress.some((p) => p.step === 'touch'));
    expect(checks()).toBe(0);
    pad.answer('touched');
    const [result] = await checking;
    expect(result).toMatchObject({ label: 'YK-01', result: 'ok' });
    expect(pad.waitingLabel).toBeUndefined();
  });

  it('records a refused touch, and a touch never given within the time allowed, as no answer; the prompt goes', async () => {
    const enrolling = enrolKey(s, drill, { label: 'YK-01' });
    await until(() => pad.waitingLabel === 'YK-01');
    pad.answer('touched');
    await enrolling;

    const refused = runPresenceCheck(s, drill, {});
    await until(() => pad.waitingLabel === 'YK-01');
    pad.answer('denied');
    expect((await refused)[0]).toMatchObject({ result: 'missing', findings: [{ code: 'no_answer', detail: 'the touch was refused (CTAP2_ERR_OPERATION_DENIED)' }] });

    const ignored = await runPresenceCheck(s, drill, { touchTimeoutMs: 300 });
    expect(ignored[0]).toMatchObject({ result: 'missing', findings: [{ code: 'no_answer' }] });
    expect(pad.waitingLabel).toBeUndefined();
    expect(checks()).toBe(2);
  });
});
