import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JUDGED_KINDS } from '../../core/findings/judge';
import type { LedgerEntryKind } from '../../core/ledger/ledger';
import { openDatabase, type KeywardDatabase } from '../../db/connection';
import { appendEntry, verifyLedger } from '../../db/ledger';
import type { JsonValue } from '../../core/ledger/canonical-json';
import { OPERATOR, openTestSession } from '../../test/support/session';
import { tamper } from '../../test/support/tamper';
import { recordOrganisationFacts } from '../guidance/posture';
import { addPlace } from '../inventory/inventory';
import { WHOLE_VERIFICATION_EVERY_MS } from '../ledger/verified-head';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource } from '../presence/key-sources';
import { judgeNow, type Judgement } from './findings';
import { forgetFoldedLedger } from './folded-ledger';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T09:00:00.000Z');
/** The instant of the judgements: the ledger's fold is what differs between the kept one and the one from scratch, never the clock. */
const NOW = new Date('2028-01-01T12:00:00.000Z');

describe('findings judged from the entries appended since the last judgement', () => {
  let s: ReturnType<typeof openTestSession>;
  let judging: { db: KeywardDatabase; clock: { now: () => Date; utcOffsetMinutes: () => number } };
  let now = NOW;
  let day = 0;
  beforeEach(() => {
    s = openTestSession();
    now = NOW;
    judging = { db: s.db, clock: { now: () => now, utcOffsetMinutes: () => 60 } };
    day = 0;
  });
  afterEach(() => s.close());

  const append = (kind: LedgerEntryKind, payload: Record<string, JsonValue>, db: KeywardDatabase = s.db, days = 3) => {
    day += days;
    return appendEntry(db, { kind, actors: [OPERATOR], payload }, { recordedAt: new Date(T0 + day * DAY).toISOString(), utcOffset: '+01:00' }).seq;
  };
  const check = (authenticatorId: number, result: string, days?: number) =>
    append('presence.checked', { authenticatorId, label: `YK-${authenticatorId}`, result, findings: result === 'ok' ? [] : [{ text: `${result} seen` }], drill: false }, s.db, days);
  /** The kept judgement, held against a fold of the whole ledger at the same head and instant (the chain verified each time, so that a fold is kept). */
  const judged = (): Judgement => {
    const verification = verifyLedger(s.db);
    expect(verification.ok).toBe(true);
    const kept = judgeNow(judging, verification);
    expect(kept.findings).toEqual(judgeNow(judging, verification, { fromScratch: true }).findings);
    return kept;
  };
  const lastOf = (kind: LedgerEntryKind) => s.db.prepare('SELECT max(seq) FROM ledger_entries WHERE kind = ?').pluck().get(kind) as number;
  const open = (j: Judgement) => j.findings.filter((f) => f.resolution === null).map((f) => f.id);

  it('folds each judged kind appended since as a fold of the whole ledger does, without changing findings it gave before', async () => {
    addPlace(s, { name: 'HQ safe A' });
    const key = await enrolKey(s, drillKeySource(s.db), { label: 'YK-01', place: 'HQ safe A' });
    const first = judged();
    expect(first.folded.mode).toBe('whole');
    const given = structuredClone(first.findings);

    const anomaly = check(key.id, 'anomaly', 100);
    expect(judged().folded).toEqual({ mode: 'after-head', entries: 1 });
    const appends: (() => unknown)[] = [
      () => check(key.id, 'ok'),
      () => check(key.id, 'anomaly'),
      () => append('finding.resolved', { findingId: `presence-anomaly:${key.id}:${anomaly}`, reason: 'explained', choice: 'accept-new-state', resolvedBy: ['Alice', 'Bob'] }),
      () => check(key.id, 'anomaly'),
      () => check(key.id, 'ok', 120),
      () => check(7, 'missing'),
      () => check(7, 'missing'),
      () => append('custody.checked_out', { authenticatorId: key.id, label: 'YK-01', expectedReturnAt: new Date(T0 + (day + 1) * DAY).toISOString(), brokenSeal: 'S-1', recordedSeal: 'S-0', sealIntact: false, noWitness: true, drill: false }),
      () => append('custody.countersigned', { checkoutSeq: lastOf('custody.checked_out') }),
      () => append('custody.returned', { checkoutSeq: lastOf('custody.checked_out') }),
      () => append('custody.checked_out', { authenticatorId: key.id, label: 'YK-01', expectedReturnAt: new Date(T0 + (day + 1) * DAY).toISOString(), brokenSeal: 'S-2', sealIntact: true, noWitness: true, drill: true }),
      () => append('custody.countersigned', { checkoutSeq: lastOf('custody.checked_out') }),
      () => append('netpath.proved', { verdict: 'met', summary: 'wired and cellular' }),
      () => append('netpath.proved', { verdict: 'not_met', summary: 'cellular down' }, s.db, 120),
      () => append('netpath.proved', { verdict: 'not_met', summary: 'cellular still down' }),
      () => append('netpath.proved', { verdict: 'common_failure', site: 'Branch', summary: 'one gateway' }),
      () => append('netpath.proved', { verdict: 'met', site: 'Branch', summary: 'two providers' }),
      () => append('validation.waived', { validationSeq: 40, step: 'people-trained', by: 'Alice', reason: 'trainer ill' }),
      () => append('validation.completed', { validationSeq: 40 }),
      () => append('validation.completed', { validationSeq: 41 }),
      () => append('account.added', { upn: 'bg1@contoso.onmicrosoft.com' }),
    ];
    const judgedKinds = new Set<string>(JUDGED_KINDS);
    for (const next of appends) {
      next();
      const kind = s.db.prepare('SELECT kind FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string;
      expect(judged().folded).toEqual({ mode: 'after-head', entries: judgedKinds.has(kind) ? 1 : 0 });
    }
    expect(judged().folded).toEqual({ mode: 'remembered', entries: 0 });
    const last = judged();
    expect(last.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['presence-anomaly', 'presence-overdue', 'presence-missing', 'seal-not-intact', 'seal-mismatch', 'custody-overdue', 'netpath-not-met', 'netpath-common-failure', 'netpath-stale']));
    expect(open(last)).not.toContain(`presence-anomaly:${key.id}:${anomaly}`);
    expect(first.findings).toEqual(given);
  });

  it('folds the whole ledger again when what the entries are read under changes: the check interval, the items expected', async () => {
    addPlace(s, { name: 'HQ safe A' });
    const key = await enrolKey(s, drillKeySource(s.db), { label: 'YK-01', place: 'HQ safe A' });
    check(key.id, 'ok', 100);
    judged();
    recordOrganisationFacts(s, { checkIntervalDays: 30 });
    expect(judged().folded.mode).toBe('whole');
    check(key.id, 'ok', 40);
    expect(judged().folded.mode).toBe('after-head');
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-02', place: 'HQ safe A' });
    expect(judged().folded.mode).toBe('whole');
  });

  it('folds the whole ledger again when the folded head was rolled back and other entries took its place', () => {
    check(1, 'ok');
    judged();
    expect(() =>
      s.db.transaction(() => {
        check(1, 'anomaly');
        expect(judgeNow(judging, verifyLedger(s.db)).folded).toEqual({ mode: 'after-head', entries: 1 });
        throw new Error('the use case failed after judging');
      })(),
    ).toThrow('the use case failed after judging');
    // The same seq holds another entry, and the head went past it.
    check(1, 'missing');
    check(1, 'ok');
    const again = judged();
    expect(again.folded.mode).toBe('whole');
    expect(again.findings.some((f) => f.kind === 'presence-anomaly')).toBe(false);
    check(1, 'missing');
    expect(judged().folded).toEqual({ mode: 'after-head', entries: 1 });
  });

  it('sees what another connection wrote: an entry appended, the history rewritten under the head, a ledger that no longer verifies', () => {
    const anomaly = check(1, 'anomaly');
    judged();
    const other = openDatabase(s.path);
    try {
      append('finding.resolved', { findingId: `presence-anomaly:1:${anomaly}`, reason: 'explained', choice: 'none', resolvedBy: ['Alice', 'Bob'] }, other);
      const resolved = judged();
      expect(resolved.folded.mode).toBe('whole');
      expect(open(resolved)).not.toContain(`presence-anomaly:1:${anomaly}`);
      expect(judged().folded.mode).toBe('remembered');

      // The resolution taken out and two other entries chained in its place: a longer ledger whose history changed.
      tamper(s.path, (db) => db.exec('DELETE FROM ledger_entries WHERE seq = (SELECT max(seq) FROM ledger_entries)'));
      append('presence.checked', { authenticatorId: 1, label: 'YK-1', result: 'missing', findings: [], drill: false }, other);
      append('presence.checked', { authenticatorId: 1, label: 'YK-1', result: 'ok', findings: [], drill: false }, other);
      const rewritten = judged();
      expect(rewritten.folded.mode).toBe('whole');
      expect(open(rewritten)).toEqual(expect.arrayContaining([`presence-anomaly:1:${anomaly}`, `presence-missing:1:${anomaly + 1}`]));
    } finally {
      other.close();
    }

    tamper(s.path, (db) => db.prepare("UPDATE ledger_entries SET body = replace(body, '\"result\":\"missing\"', '\"result\":\"ok\"') WHERE seq = ?").run(anomaly + 1));
    const broken = verifyLedger(s.db);
    expect(broken.ok).toBe(false);
    for (let i = 0; i < 2; i += 1) {
      const j = judgeNow(judging, broken);
      expect(j.folded.mode).toBe('whole');
      expect(j.findings).toEqual(judgeNow(judging, broken, { fromScratch: true }).findings);
    }
  });

  it('folds the whole ledger again once the last whole fold is ten minutes old, as the status verifies the whole database again', () => {
    check(1, 'anomaly');
    judged();
    now = new Date(NOW.getTime() + WHOLE_VERIFICATION_EVERY_MS - 1000);
    check(1, 'ok');
    expect(judged().folded.mode).toBe('after-head');
    now = new Date(NOW.getTime() + WHOLE_VERIFICATION_EVERY_MS);
    expect(judged().folded.mode).toBe('whole');
    check(1, 'ok');
    expect(judged().folded.mode).toBe('after-head');
  });

  it('forgets its fold when told, and keeps none for a judgement from scratch', () => {
    check(1, 'anomaly');
    judged();
    forgetFoldedLedger(s.db);
    expect(judgeNow(judging, verifyLedger(s.db), { fromScratch: true }).folded.mode).toBe('whole');
    expect(judged().folded.mode).toBe('whole');
    expect(judged().folded.mode).toBe('remembered');
  });
});
