import { modelName } from '../core/aaguid-models';
import { KeywardError } from '../core/errors';
import { parseText, parseUpn, type Authenticator } from '../core/inventory';
import { KEYWARD_RP_ID } from '../core/presence';
import { findAccountByUpn } from '../db/accounts';
import { findAuthenticatorById, findAuthenticatorByLabel, insertAuthenticator } from '../db/authenticators';
import { saveDrillKey } from '../db/drill-keys';
import { insertFidoCredential } from '../db/fido-credentials';
import { appendEntry } from '../db/ledger';
import { findPlaceByName } from '../db/places';
import { readKeyState } from './fido-key-state';
import { registerKeywardCredential } from './keyward-credential';
import type { KeySource } from './key-sources';
import { recorded, type Session } from './ports';

export type EnrolmentStep = 'connecting' | 'reading' | 'touch' | 'verifying' | 'saved';

/**
 * Registers a FIDO2 key: creates Keyward's own non-resident credential on it (under Keyward's
 * RP ID, never touching the account's Entra credential), verifies the registration as a relying
 * party would, and stores the credential and what the key said about itself, with its ledger entry.
 */
export async function enrolKey(session: Session, source: KeySource, input: Record<string, unknown>, onStep: (step: EnrolmentStep) => void = () => undefined): Promise<Authenticator> {
  const label = parseText(input.label, 'label', { required: true, max: 80 });
  const serial = parseText(input.serial, 'serial', { required: false, max: 64 });
  const placeName = parseText(input.place, 'place', { required: false, max: 80 });
  const accountUpn = input.account === undefined || input.account === '' ? '' : parseUpn(input.account, 'account');
  const { db } = session;
  const place = placeName ? findPlaceByName(db, placeName) : undefined;
  if (placeName && !place) throw new KeywardError('not_found', `no storage place named "${placeName}"; add it first`, 'place');
  const account = accountUpn ? findAccountByUpn(db, accountUpn) : undefined;
  if (accountUpn && !account) throw new KeywardError('not_found', `no emergency account ${accountUpn}; add it first`, 'account');
  const existing = findAuthenticatorByLabel(db, label);
  if (existing && (existing.kind !== 'fido2' || existing.enrolled || existing.simulated !== source.simulated)) {
    throw new KeywardError('conflict', `an authenticator labelled "${label}" already exists${existing.enrolled ? ' and is enrolled' : ''}`, 'label');
  }

  onStep('connecting');
  const key = await source.open({ label });
  try {
    onStep('reading');
    const { state } = await readKeyState(key.ctap2);
    const { credential, aaguid } = await registerKeywardCredential(key.ctap2, label, () => onStep('touch'));
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

