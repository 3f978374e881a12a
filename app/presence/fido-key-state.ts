import { formatAaguid } from '../../core/presence/aaguid-models';
import type { KnownKeyState } from '../../core/presence/presence';
import { CtapError } from '../../native/ctap2/errors';
import type { Ctap2 } from '../../native/ctap2/ctap2';
import type { AuthenticatorInfo } from '../../native/ctap2/responses';

/**
 * Reads what a key says about itself without any PIN: getInfo, and the PIN retry counter when
 * the key has a PIN feature. Keyward never asks for or verifies a PIN here.
 */
export async function readKeyState(ctap2: Ctap2): Promise<{ info: AuthenticatorInfo; state: Omit<KnownKeyState, 'signCount'> }> {
  const info = await ctap2.getInfo();
  let pinRetries: number | null = null;
  if (info.options.clientPin !== undefined) {
    try {
      pinRetries = (await ctap2.getPinRetries()).pinRetries;
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
    },
  };
}
