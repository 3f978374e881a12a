import { describe, expect, it } from 'vitest';
import { judgePaths, type NextHop, type PathEvidence } from './netpath';

const hop = (dev: string, gateway: string | null, via: string | null = gateway === null ? null : dev): NextHop => ({ dev, gateway, via });
const path = (name: string, cls: PathEvidence['class'], status: PathEvidence['status'], gateway: string | null, hops?: NextHop[]): PathEvidence => ({
  interface: name,
  class: cls,
  status,
  reason: status === 'up' ? 'ok' : 'timed out',
  nextHops: hops ?? (status === 'up' ? [hop(name, gateway)] : []),
});

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

  it('never counts an up path whose next hop could not be established as different', () => {
    const judgement = judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wwan0', 'cellular', 'up', null, [])]);
    expect(judgement.verdict).toBe('not_met');
    expect(judgement.summary).toMatch(/wwan0 \(cellular\) unproven — ok; its next hop could not be established/);
  });

  it('takes a point-to-point link as its own next hop: independent unless the other path rides on it', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wwan0', 'cellular', 'up', null)]).verdict).toBe('met');
    const riding = judgePaths([path('eth0', 'wired', 'up', null, [hop('eth0', '10.0.0.1', 'wwan0')]), path('wwan0', 'cellular', 'up', null)]);
    expect(riding).toMatchObject({ verdict: 'common_failure', summary: expect.stringContaining("eth0's gateway 10.0.0.1 is reached through wwan0") });
  });

  it('tells link-local routers apart by their link, and compares every family\'s next hop', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', 'fe80::1'), path('wwan0', 'cellular', 'up', 'fe80::1')]).verdict).toBe('met');
    const dual = judgePaths([path('eth0', 'wired', 'up', null, [hop('eth0', '2001:db8::1'), hop('eth0', '10.0.0.1')]), path('wlan0', 'wifi', 'up', null, [hop('wlan0', '10.0.0.1')])]);
    expect(dual.verdict).toBe('common_failure');
  });

  it('says when there was nothing to probe, and does not count an unproven path', () => {
    expect(judgePaths([path('eth0', 'wired', 'up', '10.0.0.1'), path('wwan0', 'cellular', 'unproven', '100.64.0.1')]).verdict).toBe('not_met');
    expect(judgePaths([]).summary).toBe('No wired, Wi-Fi or cellular interface to probe — requirement not met.');
    expect(judgePaths([path('eth0', 'wired', 'failed', null)]).summary).toMatch(/^No path reached the target/);
  });
});
