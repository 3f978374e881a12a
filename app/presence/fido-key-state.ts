import { formatAaguid } from '../../core/presence/aaguid-models';
import type { KnownKeyState } from '../../core/presence/presence';
import { CtapError } from '../../native/ctap2/errors';
import { NO_TOUCH_TIMEOUT_MS, type Ctap2 } from '../../native/ctap2/ctap2';
import type { AuthenticatorInfo } from '../../native/ctap2/responses';

/**
 * Reads what a key says about itself without any PIN: getInfo, the PIN retry counter when
 * the key has a PIN feature, and the fingerprint retry counter when it has built-in UV. Keyward
 * never asks for or verifies a PIN here. No command needs a touch, so each ends within
 * NO_TOUCH_TIMEOUT_MS even from a key that keeps sending "processing" keepalives.
 */
export async function readKeyState(ctap2: Ctap2): Promise<{ info: AuthenticatorInfo; state: Omit<KnownKeyState, 'signCount'> }> {
  const info = await ctap2.getInfo({ timeoutMs: NO_TOUCH_TIMEOUT_MS });
  let pinRetries: number | null = null;
  if (info.options.clientPin !== undefined) {
    try {
      pinRetries = (await ctap2.getPinRetries({ timeoutMs: NO_TOUCH_TIMEOUT_MS })).pinRetries;
    } catch (error) {
      if (!(error instanceof CtapError)) throw error;
    }
  }
  // A key with built-in user verification (options.uv present) also counts failed fingerprints.
  let uvRetries: number | undefined;
  if (info.options.uv !== undefined) {
    try {
      uvRetries = await ctap2.getUvRetries({ timeoutMs: NO_TOUCH_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof CtapError)) throw error;
    }
  }
  return {
    info,
    state: {
      aaguid: formatAaguid(Buffer.from(info.aaguid).toString('hex')),
      firmwareVersion: info.firmwareVersion ?? null,
      versions: [...info.versions],
      options: { ...info.options },
      pinRetries,
      ...(uvRetries !== undefined ? { uvRetries } : {}),
    },
  };
}
