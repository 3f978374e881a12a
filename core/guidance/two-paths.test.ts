import { describe, expect, it } from 'vitest';
import { judgeTwoPathsEvidence, type TwoPathsInput } from './validation';

const START = '2026-03-01T09:00:00.000Z';
const at = (day: number) => new Date(Date.parse(START) + day * 86_400_000).toISOString();
const proof = (seq: number, day: number, site: string | undefined, verdict = 'met') => ({ seq, kind: 'netpath.proved', recordedAt: at(day), payload: { verdict, targets: ['login.microsoftonline.com:443', 'aadcdn.msftauth.net:443'], ...(site && { site }) } });
const check = (seq: number, id: number) => ({ seq, kind: 'presence.checked', recordedAt: at(1), payload: { authenticatorId: id, result: 'ok', drill: false } });
const input = (proofs: TwoPathsInput['proofs'], sites: (string | null)[]): TwoPathsInput => ({
  cycleStartedAt: START,
  proofs,
  checks: sites.map((_s, i) => check(100 + i, i + 1)),
  boundItems: sites.map((site, i) => ({ id: i + 1, label: `YK-0${i + 1}`, enrolled: true, site })),
});

describe('the two-paths step rests on the proofs of the sites where the keys are kept', () => {
  it('takes the latest proof of that site, not the latest proof of any site', () => {
    const evidence = judgeTwoPathsEvidence(input([proof(10, 1, 'North room'), proof(11, 2, 'South room', 'not_met')], ['North room']));
    expect(evidence).toEqual({ ok: true, networkProofSeq: 10, networkProofSeqs: [10], presenceCheckSeqs: [100] });
    expect(judgeTwoPathsEvidence(input([proof(10, 1, 'North room', 'not_met'), proof(11, 2, 'South room')], ['North room']))).toEqual({ ok: false, problem: 'the latest network path proof of North room (entry 10) is "not_met": prove two paths first' });
  });

  it('needs a met proof of every site that keeps a bound key', () => {
    expect(judgeTwoPathsEvidence(input([proof(10, 1, 'North room')], ['North room', 'South room']))).toEqual({ ok: false, problem: `no network path proof of South room since this validation started on ${START.slice(0, 10)}: prove the paths at South room again` });
    expect(judgeTwoPathsEvidence(input([proof(10, 1, 'North room'), proof(12, 3, 'South room')], ['North room', 'South room']))).toMatchObject({ ok: true, networkProofSeqs: [10, 12] });
  });

  it('counts the Entra endpoints a proof reached by default, and refuses a proof of a test host', () => {
    const test = { seq: 13, kind: 'netpath.proved', recordedAt: at(1), payload: { verdict: 'met', targets: ['login.keyward.test:443'] } };
    expect(judgeTwoPathsEvidence(input([test], [null]))).toMatchObject({ ok: false, problem: expect.stringContaining("reached login.keyward.test:443, not Entra ID's sign-in endpoint") });
    expect(judgeTwoPathsEvidence(input([proof(14, 1, undefined)], [null]))).toMatchObject({ ok: true, networkProofSeq: 14 });
  });
});
