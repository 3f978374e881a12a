import { describe, expect, it } from 'vitest';
import { judgePaths, type PathEvidence } from './netpath';

const path = (name: string, cls: PathEvidence['class'], status: PathEvidence['status'], gateway: string | null): PathEvidence => ({ interface: name, class: cls, status, reason: status === 'up' ? 'ok' : 'timed out', gateway });

describe('judging network paths against the guidance', () => {
  it('is met with a wired and a cellular path through different gateways', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wwan0', 'cellular', 'up', '100.64.0.1')])).toMatchObject({ verdict: 'met' });
  });

  it('is not met with a single path, and names the dead one', () => {
    const judgement = judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wwan0', 'cellular', 'failed', null)]);
    expect(judgement.verdict).toBe('not_met');
    expect(judgement.summary).toMatch(/^Single path — requirement not met: only eth0 \(wired\) is up\. Not up: wwan0 \(cellular\) failed — timed out\.$/);
  });

  it('calls two paths through one gateway a common failure mode', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wlan0', 'wifi', 'up', '10.0.0.1')])).toMatchObject({ verdict: 'common_failure', summary: expect.stringContaining('same gateway 10.0.0.1') });
  });

  it('calls two paths of one class a common failure mode', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('eth1', 'wired', 'up', '10.1.0.1')]).verdict).toBe('common_failure');
  });

  it('does not count an unproven path', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wwan0', 'cellular', 'unproven', '100.64.0.1')]).verdict).toBe('not_met');
    expect(judgePaths([]).summary).toMatch(/No path reached the target/);
  });
});
