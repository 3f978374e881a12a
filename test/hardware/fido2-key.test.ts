import { describe, expect, it } from 'vitest';
import { CtapHidConnection } from '../../native/ctaphid/connection';
import { Ctap2 } from '../../native/ctap2/ctap2';
import { NodeHidTransport, enumerateFidoDevices } from '../../native/transport/node-hid';

// Runs against a real key when one is attached; otherwise says so and is skipped. A test that
// needs a touch runs only with KEYWARD_HARDWARE_TOUCH=1, with a person at the desk.
const keys = await enumerateFidoDevices().catch(() => []);
const reason = keys.length === 0 ? 'no FIDO key attached' : '';
if (reason) console.warn(`[hardware] SKIPPED on this machine: ${reason}`);

describe.skipIf(keys.length === 0)(`a real FIDO2 key${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  it('answers getInfo and its PIN retry counter, with no PIN asked for', async () => {
    const transport = new NodeHidTransport(keys[0]!);
    const connection = await CtapHidConnection.open(transport);
    try {
      const ctap2 = new Ctap2(connection);
      const info = await ctap2.getInfo();
      expect(info.versions.some((v) => v.startsWith('FIDO_2'))).toBe(true);
      expect(info.aaguid).toHaveLength(16);
      if (info.options.clientPin !== undefined) expect((await ctap2.getPinRetries()).pinRetries).toBeGreaterThanOrEqual(0);
    } finally {
      await connection.close();
    }
  });
});

// Enrolment and a presence check against the real key need a person to touch it when it blinks.
const touch = keys.length > 0 && process.env.KEYWARD_HARDWARE_TOUCH === '1';
if (keys.length > 0 && !touch) console.warn('[hardware] enrolment and presence check SKIPPED: set KEYWARD_HARDWARE_TOUCH=1 with a person at the key');

describe.skipIf(!touch)(`enrolling and checking a real key${touch ? '' : ' — SKIPPED: no key, or KEYWARD_HARDWARE_TOUCH is not 1'}`, () => {
  it('enrols Keyward\'s credential on the key, then finds it present and unchanged', async () => {
    const { openTestSession } = await import('../support/session');
    const { enrolKey } = await import('../../app/presence/enrolment');
    const { hidKeySource } = await import('../../app/presence/key-sources');
    const { runPresenceCheck } = await import('../../app/presence/presence-check');
    const s = openTestSession();
    try {
      console.warn('[hardware] touch the key when it blinks (twice)');
      const key = await enrolKey(s, hidKeySource(), { label: 'HW-TEST' });
      expect(key.enrolled).toBe(true);
      const [result] = await runPresenceCheck(s, hidKeySource(), { key: 'HW-TEST' });
      expect(result).toMatchObject({ result: 'ok', findings: [] });
    } finally {
      s.close();
    }
  }, 120_000);
});
