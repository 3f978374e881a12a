import { modelName } from '../../core/presence/aaguid-models';
import { parseText, type Authenticator } from '../../core/inventory/inventory';
import { KEYWARD_RP_ID } from '../../core/presence/presence';
import { findAuthenticatorById, insertAuthenticator } from '../../db/authenticators';
import { saveDrillKey } from '../../db/drill-keys';
import { insertFidoCredential } from '../../db/fido-credentials';
import { appendEntry } from '../../db/ledger';
import { readKeyState } from './fido-key-state';
import { registerKeywardCredential } from './keyward-credential';
import type { KeySource } from './key-sources';
import { recorded, type Session } from '../ports';
import { enrolmentTarget } from './enrolment-target';

export type EnrolmentStep = 'connecting' | 'reading' | 'touch' | 'verifying' | 'saved';

/**
 * Registers a FIDO2 key: creates Keyward's own non-resident credential on it (under Keyward's
 * RP ID, never touching the account's Entra credential), verifies the registration as a relying
 * party would, and stores the credential and what the key said about itself, with its ledger entry.
 */
export async function enrolKey(session: Session, source: KeySource, input: Record<string, unknown>, onStep: (step: EnrolmentStep) => void = () => undefined): Promise<Authenticator> {
  const { label, place, account, existing } = enrolmentTarget(session, input, 'fido2', source.simulated);
  const serial = parseText(input.serial, 'serial', { required: false, max: 64 });
  const { db } = session;

  onStep('connecting');
  const key = await source.open({ label });
  try {
    onStep('reading');
    const { state } = await readKeyState(key.ctap2);
    const { credential, aaguid, notes } = await registerKeywardCredential(key.ctap2, label, () => onStep('touch'), session.clock.now());
    onStep('verifying');
    const model = modelName(aaguid);
    const drillState = key.drillState?.();

    const saved = recorded(session, (at) => {
      const target =
        existing ??
        insertAuthenticator(db, { kind: 'fido2', label, serial, placeId: place?.id ?? null, accountId: account?.id ?? null, createdAt: at.recordedAt, simulated: source.simulated });
      const known = { ...state, aaguid, signCount: credential.counter };
      insertFidoCredential(db, {
        authenticatorId: target.id,
        rpId: KEYWARD_RP_ID,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        aaguid,
        model,
        enrolledAt: at.recordedAt,
        known,
        notes,
      });
      if (drillState) saveDrillKey(db, target.id, drillState);
      appendEntry(
        db,
        {
          kind: 'authenticator.enrolled',
          actors: [session.actor],
          payload: {
            authenticatorId: target.id,
            label,
            model,
            aaguid,
            rpId: KEYWARD_RP_ID,
            credentialId: credential.id,
            signCount: credential.counter,
            pinRetries: known.pinRetries,
            firmwareVersion: known.firmwareVersion,
            versions: [...known.versions],
            options: known.options,
            notes: [...notes],
            place: place?.name ?? existing?.placeName ?? null,
            account: account?.upn ?? existing?.accountUpn ?? null,
            drill: source.simulated,
          },
        },
        at,
      );
      return target.id;
    });
    onStep('saved');
    return findAuthenticatorById(db, saved)!;
  } finally {
    await key.close().catch(() => undefined);
  }
}

