import { describe, expect, it } from 'vitest';
import { judgeEgress } from './egress';
import type { EgressFacts } from './routes';

const leavesByWired: EgressFacts = {
  bySource: { ok: true, route: { dev: 'eth0', gateway: '192.0.2.1' } },
  byInterface: { ok: false, error: 'Network is unreachable' },
};

describe('judgeEgress', () => {
  it('passes a path whose traffic leaves by its own interface, with the next hop', async () => {
    const facts: EgressFacts = { bySource: { ok: true, route: { dev: 'wwan0', gateway: '10.64.0.1' } }, byInterface: { ok: true, route: { dev: 'wwan0', gateway: '10.64.0.1' } } };
    expect(await judgeEgress(facts, 'traffic to', '20.190.128.1', '10.64.0.7', 'wwan0', 'darwin')).toEqual({ ok: true, gateway: '10.64.0.1' });
  });

  it('tells a macOS administrator to add an interface-scoped default route, not a Linux rule', async () => {
    const verdict = await judgeEgress(leavesByWired, 'traffic to', '20.190.128.1', '10.64.0.7', 'en5', 'darwin');
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error).toContain('would leave by eth0, not en5');
    expect(verdict.error).toContain('route add -ifscope en5 default');
    expect(verdict.error).not.toContain('source routing rule');
  });

  it('tells a Windows administrator to give the adapter its own default route', async () => {
    const verdict = await judgeEgress(leavesByWired, 'traffic to', '20.190.128.1', '10.64.0.7', 'Cellular', 'win32');
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error).toContain("New-NetRoute -InterfaceAlias 'Cellular'");
    expect(verdict.error).not.toContain('source routing rule');
  });

  it('says the path cannot be traced where the routing table cannot be read', async () => {
    expect(await judgeEgress(undefined, 'traffic to', '20.190.128.1', '10.64.0.7', 'en5', 'freebsd')).toEqual({ ok: false, error: "traffic to 20.190.128.1 cannot be traced: this platform's routing table cannot be read" });
  });
});
