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
