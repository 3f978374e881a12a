import { modelName } from '../../core/presence/aaguid-models';
import { parseText, type Authenticator } from '../../core/inventory/inventory';
import { KEYWARD_RP_ID } from '../../core/presence/presence';
import { findAuthenticatorById, insertAuthenticator, nextAuthenticatorId } from '../../db/authenticators';
import { recordGenuineness } from '../../db/metadata';
import { saveDrillKey } from '../../db/drill-keys';
import { insertFidoCredential } from '../../db/fido-credentials';
import { appendEntry, prepareEntry, type NewLedgerEntry } from '../../db/ledger';
import { readKeyState } from './fido-key-state';
import { registerKeywardCredential } from './keyward-credential';
import type { KeySource } from './key-sources';
import { recorded, timestamp, type Session } from '../ports';
import { KeywardError } from '../../core/errors';
import { circleApprovers } from '../custody/circle';
import { approveAndWrite, type ApprovalStep } from '../custody/custodian-keys';
import { judgeGenuineness } from '../metadata/genuineness';
import { enrolmentTarget } from './enrolment-target';

export type EnrolmentStep = 'connecting' | 'reading' | 'touch' | 'verifying' | 'saved';

/**
 * Registers a FIDO2 key: creates Keyward's own non-resident credential on it (under Keyward's
 * RP ID, never touching the account's Entra credential), verifies the registration as a relying
 * party would, and stores the credential and what the key said about itself, with its ledger entry.
 */
export async function enrolKey(
  session: Session,
  source: KeySource,
  input: Record<string, unknown>,
  onStep: (step: EnrolmentStep) => void = () => undefined,
  /** Where the custodians who accept a key that is not genuine touch their own keys. */
  acceptance?: { readonly custodianKeys: KeySource; readonly onApproval?: (step: ApprovalStep) => void },
): Promise<Authenticator> {
  const { label, place, account, existing } = enrolmentTarget(session, input, 'fido2', source.simulated);
  const serial = parseText(input.serial, 'serial', { required: false, max: 64 });
  const { db } = session;
  // Named before any touch: the two custodians who would accept a key that is not genuine.
  const approvers = input.approvers === undefined ? undefined : circleApprovers(session, input, '');

  onStep('connecting');
  const key = await source.open({ label });
  let registered;
  try {
    onStep('reading');
    const { state } = await readKeyState(key.ctap2);
    const { credential, aaguid, notes, attestation } = await registerKeywardCredential(key.ctap2, label, () => onStep('touch'), session.clock.now());
    onStep('verifying');
    registered = { state, credential, aaguid, notes, genuineness: judgeGenuineness(db, aaguid, attestation.certificates), drillState: key.drillState?.() };
  } finally {
    await key.close().catch(() => undefined);
  }
  const { state, credential, aaguid, notes, genuineness, drillState } = registered;
  const model = modelName(aaguid);
  const accepted = genuineness.verdict === 'not_genuine';
  if (accepted && (!approvers || !acceptance)) {
    throw new KeywardError('verification_failed', `${label}: ${genuineness.text}; enrolment refused. Two custodians may accept the key anyway, each touching their own key (--approver, twice).`, 'key');
  }

  const known = { ...state, aaguid, signCount: credential.counter };
  const entryFor = (authenticatorId: number): NewLedgerEntry => ({
    kind: 'authenticator.enrolled',
    actors: [session.actor],
    payload: {
      authenticatorId,
      label,
      model,
      aaguid,
      rpId: KEYWARD_RP_ID,
      credentialId: credential.id,
      signCount: credential.counter,
      pinRetries: known.pinRetries,
      ...(known.uvRetries !== undefined ? { uvRetries: known.uvRetries } : {}),
      firmwareVersion: known.firmwareVersion,
      versions: [...known.versions],
      options: known.options,
      notes: [...notes],
      place: place?.name ?? existing?.placeName ?? null,
      account: account?.upn ?? existing?.accountUpn ?? null,
      genuineness: { verdict: genuineness.verdict, text: genuineness.text, metadataBlob: genuineness.blobNo },
      drill: source.simulated,
    },
  });
  /** The item's rows, under the id its entry names. */
  const store = (recordedAt: string, authenticatorId: number, seq: number): void => {
    const target =
      existing ??
      insertAuthenticator(db, { kind: 'fido2', label, serial, placeId: place?.id ?? null, accountId: account?.id ?? null, createdAt: recordedAt, simulated: source.simulated });
    if (target.id !== authenticatorId) throw new KeywardError('conflict', 'another item was added while the approvals were collected; enrol again');
    insertFidoCredential(db, {
      authenticatorId: target.id,
      rpId: KEYWARD_RP_ID,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      aaguid,
      model,
      enrolledAt: recordedAt,
      known,
      notes,
    });
    if (drillState) saveDrillKey(db, target.id, drillState);
    recordGenuineness(db, target.id, genuineness, seq);
  };

  let id = existing?.id ?? nextAuthenticatorId(db);
  if (accepted) {
    // A key that is not genuine enters the inventory only with two custodians' signatures on its entry.
    const prepared = prepareEntry(db, entryFor(id), timestamp(session.clock));
    await approveAndWrite(session, acceptance!.custodianKeys, prepared, approvers!, acceptance!.onApproval ?? (() => undefined), (seq) => store(prepared.recordedAt, id, seq));
  } else {
    id = recorded(session, (at) => {
      const newId = existing?.id ?? nextAuthenticatorId(db);
      store(at.recordedAt, newId, appendEntry(db, entryFor(newId), at).seq);
      return newId;
    });
  }
  onStep('saved');
  return findAuthenticatorById(db, id)!;
}

