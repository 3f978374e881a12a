import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestSession } from '../test/support/session';
import { roomWithHistory } from '../test/support/custody-history';
import { appendEntry, entriesOfKinds, entriesOfKindsBetween, readHead } from './ledger';
import { countEntriesOfKinds, streamEntriesOfKinds } from './ledger-stream';

const CUSTODY = ['custody.checked_out', 'custody.returned'] as const;
const fields = (e: { seq: number; kind: string; recordedAt: string; payload: object }) => ({ seq: e.seq, kind: e.kind, recordedAt: e.recordedAt, payload: e.payload });

describe('reading the ledger a window at a time', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(async () => {
    s = openTestSession();
    await roomWithHistory(s, 60);
  });
  afterEach(() => s.close());

  it('gives the entries of the kinds asked for, oldest first, as reading them whole does, across many windows', () => {
    const upTo = readHead(s.db).seq;
    for (const window of [1, 7, 4096]) {
      expect([...streamEntriesOfKinds(s.db, CUSTODY, { upTo }, window)]).toEqual(entriesOfKinds(s.db, [...CUSTODY]).map(fields));
    }
  });

  it('starts after the seq it is given, as a fold that went as far as that entry reads on', () => {
    const all = entriesOfKinds(s.db, [...CUSTODY]);
    const after = all[40]!.seq;
    const upTo = readHead(s.db).seq;
    for (const window of [1, 7, 4096]) expect([...streamEntriesOfKinds(s.db, CUSTODY, { after, upTo }, window)]).toEqual(all.slice(41).map(fields));
    const whole = countEntriesOfKinds(s.db, CUSTODY, { upTo });
    const before = countEntriesOfKinds(s.db, CUSTODY, { upTo: after });
    expect(countEntriesOfKinds(s.db, CUSTODY, { after, upTo })).toEqual(new Map([...whole].map(([kind, n]) => [kind, n - (before.get(kind) ?? 0)])));
  });

  it('keeps to a period and counts what it holds, kind by kind', () => {
    const all = entriesOfKinds(s.db, [...CUSTODY]);
    const within = { from: all[10]!.recordedAt, to: all[29]!.recordedAt };
    const upTo = readHead(s.db).seq;
    const read = [...streamEntriesOfKinds(s.db, CUSTODY, { upTo, within }, 5)];
    expect(read).toEqual(entriesOfKindsBetween(s.db, [...CUSTODY], within.from, within.to).map(fields));
    expect(read).toHaveLength(20);
    expect(countEntriesOfKinds(s.db, CUSTODY, { upTo, within })).toEqual(new Map([['custody.checked_out', 10], ['custody.returned', 10]]));
  });

  it('leaves out entries appended after the last one it was asked to read, even while it is being read', () => {
    const upTo = readHead(s.db).seq;
    const reading = streamEntriesOfKinds(s.db, ['account.added', ...CUSTODY], { upTo }, 4);
    const first = reading.next().value!;
    // The connection is free between windows: a write goes through while the reading is under way.
    appendEntry(s.db, { kind: 'account.added', actors: [s.actor], payload: { upn: 'late@contoso.onmicrosoft.com' } }, { recordedAt: '2026-11-25T12:00:00.000Z', utcOffset: '+01:00' });
    const rest = [...reading];
    expect([first, ...rest].map((e) => e.seq).at(-1)).toBe(upTo);
    expect(rest.some((e) => e.payload.upn === 'late@contoso.onmicrosoft.com')).toBe(false);
    expect(countEntriesOfKinds(s.db, ['account.added'], { upTo })).toEqual(new Map([['account.added', 1]]));
  });
});
