import { describe, expect, it } from 'vitest';
import { countOpen, isOpen, type Finding } from './finding';
import { judgeFindings, type JudgedEntry, type JudgementInput } from './judge';

const T0 = '2026-01-01T09:00:00.000Z';
const day = (n: number, hour = 9) => new Date(Date.parse(T0) + n * 86_400_000 + (hour - 9) * 3_600_000).toISOString();

let seq = 1;
const entry = (kind: string, recordedAt: string, payload: Record<string, unknown>): JudgedEntry => ({ seq: ++seq, kind, recordedAt, payload });
const judge = (entries: JudgedEntry[], now: string, extra: Partial<JudgementInput> = {}) =>
  judgeFindings({ now: new Date(now), checkIntervalDays: 90, entries, expectedItems: [], ledgerCreatedAt: null, present: [], ...extra });
const open = (findings: Finding[]) => findings.filter(isOpen);
const check = (at: string, result: string, extra: Record<string, unknown> = {}) =>
  entry('presence.checked', at, { authenticatorId: 7, label: 'YK-01', result, findings: result === 'ok' ? [] : [{ text: `${result} seen` }], drill: false, ...extra });
const resolved = (at: string, findingId: string, choice = 'none') => entry('finding.resolved', at, { findingId, reason: 'explained', choice, resolvedBy: ['Alice', 'Bob'] });

describe('findings from the ledger', () => {
  it('keeps a presence anomaly open across later clean checks, adding each later anomaly to it', () => {
    const first = check(day(1), 'anomaly');
    const entries = [first, check(day(2), 'ok'), check(day(3), 'anomaly')];
    const findings = open(judge(entries, day(4)));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: `presence-anomaly:7:${first.seq}`, kind: 'presence-anomaly', severity: 'critical', since: day(1), subject: { type: 'authenticator', id: '7', label: 'YK-01' } });
    expect(findings[0]!.evidence).toEqual([first.seq, entries[2]!.seq]);
  });

  it('closes a finding only with a resolution entry naming it, and opens a new one for the next anomaly', () => {
    const first = check(day(1), 'anomaly');
    const resolution = resolved(day(2), `presence-anomaly:7:${first.seq}`, 'accept-new-state');
    const later = check(day(3), 'anomaly');
    const all = judge([first, resolution, later], day(4));
    expect(all.find((f) => f.id === `presence-anomaly:7:${first.seq}`)?.resolution).toMatchObject({ seq: resolution.seq, by: ['Alice', 'Bob'], choice: 'accept-new-state' });
    expect(open(all).map((f) => f.id)).toEqual([`presence-anomaly:7:${later.seq}`]);
  });

  it('names a missing key apart from an anomaly', () => {
    const findings = open(judge([check(day(1), 'missing')], day(1, 10)));
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([['presence-missing', 'critical']]);
  });

  it('makes a drill a notice, never a critical finding', () => {
    const [finding] = open(judge([check(day(1), 'anomaly', { drill: true })], day(2)));
    expect(finding).toMatchObject({ severity: 'notice', drill: true, title: expect.stringMatching(/^Drill: /) });
  });

  it('opens an overdue checkout when the clock passes the expected return, and keeps it after a late return', () => {
    const out = entry('custody.checked_out', day(1), { authenticatorId: 7, label: 'YK-01', expectedReturnAt: day(1, 17), brokenSeal: 'S-1', sealIntact: true, noWitness: false, drill: false });
    expect(open(judge([out], day(1, 16)))).toEqual([]);
    expect(open(judge([out], day(1, 18)))).toMatchObject([{ id: `custody-overdue:${out.seq}`, kind: 'custody-overdue', severity: 'critical', since: day(1, 17) }]);
    const back = entry('custody.returned', day(2), { checkoutSeq: out.seq });
    const late = open(judge([out, back], day(3)));
    expect(late).toMatchObject([{ id: `custody-overdue:${out.seq}`, evidence: [out.seq, back.seq] }]);
    const onTime = entry('custody.returned', day(1, 12), { checkoutSeq: out.seq });
    expect(open(judge([out, onTime], day(3)))).toEqual([]);
  });

  it('flags a seal that was not intact and an emergency checkout until it is countersigned', () => {
    const out = entry('custody.checked_out', day(1), { authenticatorId: 7, label: 'YK-01', expectedReturnAt: day(5), brokenSeal: 'S-1', sealIntact: false, noWitness: true, drill: false });
    expect(open(judge([out], day(2))).map((f) => f.kind).sort()).toEqual(['custody-countersign', 'seal-not-intact']);
    const countersigned = entry('custody.countersigned', day(1, 11), { checkoutSeq: out.seq });
    expect(open(judge([out, countersigned], day(2))).map((f) => f.kind)).toEqual(['seal-not-intact']);
  });

  it('flags a seal broken at checkout that is not the one the item was recorded under', () => {
    const out = entry('custody.checked_out', day(1), { authenticatorId: 7, label: 'YK-01', expectedReturnAt: day(5), brokenSeal: 'S-2', recordedSeal: 'S-1', sealIntact: true, noWitness: false, drill: false });
    expect(open(judge([out], day(2)))).toMatchObject([{ kind: 'seal-mismatch', severity: 'critical', title: 'YK-01: found under seal S-2, recorded under S-1' }]);
  });

  it('opens a quarterly check as due, then overdue, and keeps a late check on record', () => {
    const items = [{ id: 7, label: 'YK-01', simulated: false, since: day(0) }];
    expect(open(judge([], day(50), { expectedItems: items }))).toEqual([]);
    expect(open(judge([], day(80), { expectedItems: items }))).toMatchObject([{ kind: 'presence-due', severity: 'warning' }]);
    const overdue = open(judge([], day(91), { expectedItems: items }));
    expect(overdue).toMatchObject([{ id: `presence-overdue:7:${day(90).slice(0, 10)}`, kind: 'presence-overdue', since: day(90) }]);
    // Checked late: the lapse stays on record, under the same id, until resolved.
    const late = check(day(95), 'ok');
    expect(open(judge([late], day(96), { expectedItems: items }))).toMatchObject([{ id: overdue[0]!.id, evidence: [late.seq] }]);
    expect(open(judge([late, resolved(day(97), overdue[0]!.id)], day(98), { expectedItems: items }))).toEqual([]);
  });

  it('does not expect drill items to be checked quarterly', () => {
    expect(open(judge([], day(200), { expectedItems: [{ id: 7, label: 'DRILL', simulated: true, since: day(0) }] }))).toEqual([]);
  });

  it('keeps a failed or common-failure network proof open and notices when no proof was met within the interval', () => {
    const failed = entry('netpath.proved', day(1), { verdict: 'not_met', summary: 'single path: wwan0 failed' });
    const met = entry('netpath.proved', day(2), { verdict: 'met', summary: 'two paths' });
    expect(open(judge([failed, met], day(3), { ledgerCreatedAt: day(0) }))).toMatchObject([{ kind: 'netpath-not-met', severity: 'warning', detail: 'single path: wwan0 failed' }]);
    expect(open(judge([met], day(95), { ledgerCreatedAt: day(0) }))).toMatchObject([{ kind: 'netpath-stale', since: day(92) }]);
    const common = entry('netpath.proved', day(3), { verdict: 'common_failure', summary: 'same gateway' });
    expect(open(judge([met, common], day(4), { ledgerCreatedAt: day(0) })).map((f) => f.kind)).toEqual(['netpath-common-failure']);
    expect(open(judge([], day(91), { ledgerCreatedAt: day(0) }))).toMatchObject([{ kind: 'netpath-stale', detail: 'no met proof has been recorded' }]);
  });

  it("judges each site by its own proofs: a met proof elsewhere does not keep the keys' site from going stale", () => {
    const items = [{ id: 7, label: 'YK-01', simulated: false, since: day(0), site: 'North room' }];
    const north = entry('netpath.proved', day(2), { verdict: 'met', summary: 'two paths', site: 'North room' });
    const south = entry('netpath.proved', day(80), { verdict: 'met', summary: 'two paths', site: 'South room' });
    const stale = open(judge([north, south, check(day(80), 'ok')], day(95), { ledgerCreatedAt: day(0), expectedItems: items }));
    expect(stale).toMatchObject([{ id: `netpath-stale:North room:${day(92).slice(0, 10)}`, kind: 'netpath-stale', subject: { type: 'site', id: 'North room', label: 'Network paths at North room' }, detail: `the last met proof of North room was on ${day(2).slice(0, 10)}` }]);
    // A failed proof of one site is that site's finding; the other site's met proof does not end it.
    const failed = entry('netpath.proved', day(3), { verdict: 'not_met', summary: 'single path', site: 'South room' });
    const northAgain = entry('netpath.proved', day(4), { verdict: 'met', summary: 'two paths', site: 'North room' });
    expect(open(judge([north, failed, northAgain], day(5), { ledgerCreatedAt: day(0), expectedItems: items }))).toMatchObject([{ kind: 'netpath-not-met', id: `netpath-not-met:site:South room:${failed.seq}`, subject: { id: 'South room' } }]);
  });

  it('keeps a validation waiver open until a later cycle completes', () => {
    const waived = entry('validation.waived', day(1), { validationSeq: 10, step: 'two-paths', by: 'Alice', reason: 'modem in repair' });
    expect(open(judge([waived], day(2))).map((f) => f.kind)).toEqual(['validation-waived']);
    expect(open(judge([waived, entry('validation.completed', day(3), { validationSeq: 10 })], day(4))).map((f) => f.kind)).toEqual(['validation-waived']);
    expect(open(judge([waived, entry('validation.completed', day(95), { validationSeq: 99 })], day(96)))).toEqual([]);
  });

  it('takes present findings as given, applies resolutions to them, and sorts most severe first', () => {
    const present = [
      { id: 'posture-failed:monitoring', kind: 'posture-failed' as const, severity: 'warning' as const, subject: { type: 'rule' as const, id: 'monitoring', label: 'Monitoring' }, since: day(1), title: 'w', detail: '', nextStep: '', evidence: [], closure: 'condition' as const, drill: false },
      { id: 'signin-incident:abc', kind: 'signin-incident' as const, severity: 'critical' as const, subject: { type: 'account' as const, id: 'x', label: 'bg1' }, since: day(2), title: 'c', detail: '', nextStep: '', evidence: [], closure: 'resolution' as const, drill: false },
    ];
    const findings = judge([], day(3), { present });
    expect(findings.map((f) => f.id)).toEqual(['signin-incident:abc', 'posture-failed:monitoring']);
    expect(countOpen(findings)).toEqual({ critical: 1, warning: 1, notice: 0 });
    expect(open(judge([resolved(day(3), 'signin-incident:abc')], day(4), { present })).map((f) => f.id)).toEqual(['posture-failed:monitoring']);
  });
});
