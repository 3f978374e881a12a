import { createSecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { probePath, withDeadline } from './probe';

describe('a path probe that runs out of time', () => {
  it('ends every step at its deadline, names the step, and leaves no failure behind unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      // Loopback only: a resolver on 127.0.0.1 that the 1 ms limit never lets answer.
      const result = await probePath(
        { interface: 'lo', sources: { 4: '127.0.0.1' }, resolvers: [{ address: '127.0.0.1', origin: 'dns-option' }], onlyTheseResolvers: true },
        [{ host: 'login.keyward.test', port: 443 }],
        { timeoutMs: 1, trust: createSecureContext() },
      );
      const [attempt] = result.targets[0]!.attempts;
      expect(result.targets[0]!.ok).toBe(false);
      expect(attempt).toMatchObject({ family: 4, ok: false, timedOut: true, error: expect.stringMatching(/^IPv4 timed out at (route|dns): /) });
      // The abandoned lookups and queries settle later; none of them may surface as an unhandled rejection.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('abandons work that starts after the deadline, which may fail later without anyone to hear it', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      let cancelled = false;
      const late = new Promise((_, reject) => setTimeout(() => reject(new Error('ECANCELLED')), 20));
      await expect(withDeadline(performance.now() - 1, 'dns', late, () => (cancelled = true))).rejects.toMatchObject({ step: 'dns', timedOut: true, message: 'no time was left for dns' });
      expect(cancelled).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 60)); // the work fails meanwhile
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
