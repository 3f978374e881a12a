import { randomBytes } from 'node:crypto';
import { KeywardError } from '../../core/errors';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { createCredential } from '../../native/client/webauthn-client';
import type { CallOptions } from '../../native/ctaphid/connection';
import { KeepaliveStatus } from '../../native/ctaphid/constants';
import type { Ctap2 } from '../../native/ctap2/ctap2';

/** Keepalive handling that says "touch your key" once, when the key first asks for it. */
export function touchPrompt(onTouch: () => void): Pick<CallOptions, 'onKeepalive'> {
  let prompted = false;
  return {
    onKeepalive: (status) => {
      if (status === KeepaliveStatus.UPNEEDED && !prompted) {
        prompted = true;
        onTouch();
      }
    },
  };
}

/**
 * Creates Keyward's own non-resident credential on a key, under Keyward's RP ID, and verifies
 * the registration as a relying party would. Both emergency keys and custodians' keys are
 * enrolled this way.
 */
export async function registerKeywardCredential(ctap2: Ctap2, userName: string, onTouch: () => void) {
  const challenge = new Uint8Array(randomBytes(32));
  // Imported when a signature is to be checked: it takes about half a second to load, and most
  // commands (status, lists, reports) never check one.
  const { verifyRegistrationResponse } = await import('@simplewebauthn/server');
  const { registration } = await createCredential(
    ctap2,
    { rpId: KEYWARD_RP_ID, rpName: 'Keyward', origin: KEYWARD_ORIGIN, challenge, userId: new Uint8Array(randomBytes(16)), userName },
    { timeoutMs: 60_000, ...touchPrompt(onTouch) },
  );
  const verification = await verifyRegistrationResponse({
    response: registration,
    expectedChallenge: Buffer.from(challenge).toString('base64url'),
    expectedOrigin: KEYWARD_ORIGIN,
    expectedRPID: KEYWARD_RP_ID,
    requireUserVerification: false,
  }).catch((error: unknown) => {
    throw new KeywardError('verification_failed', `the key's registration did not verify: ${(error as Error).message}`, 'key');
  });
  if (!verification.verified) throw new KeywardError('verification_failed', "the key's registration did not verify", 'key');
  return verification.registrationInfo;
}
