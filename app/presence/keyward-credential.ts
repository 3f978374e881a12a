import { hash, randomBytes } from 'node:crypto';
import { KeywardError } from '../../core/errors';
import { KEYWARD_ORIGIN, KEYWARD_RP_ID } from '../../core/presence/presence';
import { formatAaguid } from '../../core/presence/aaguid-models';
import { CBOR_DEPARTURES, encodeCanonical } from '../../native/ctap2/cbor';
import { clientDataJSON, createCredential } from '../../native/client/webauthn-client';
import type { CallOptions } from '../../native/ctaphid/connection';
import { KeepaliveStatus } from '../../native/ctaphid/constants';
import type { Ctap2 } from '../../native/ctap2/ctap2';
import { credentialPublicKey, verifyAttestation, type VerifiedAttestation } from './attestation';

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

/** A credential Keyward enrolled and verified, with what the key's attestation and encoding said about it. */
export interface KeywardRegistration {
  readonly credential: {
    /** base64url */
    readonly id: string;
    /** The COSE public key, canonically encoded (the key may have sent it in another order). */
    readonly publicKey: Uint8Array;
    readonly counter: number;
  };
  readonly aaguid: string;
  readonly attestation: VerifiedAttestation;
  /** Facts about the key that are not anomalies: its attestation certificate's dates, non-canonical responses. */
  readonly notes: readonly string[];
}

const refuse = (why: string): never => {
  throw new KeywardError('verification_failed', `the key's registration did not verify: ${why}`, 'key');
};

const ENCODING_NOTE = 'responses not in canonical CBOR, read tolerantly: ';

/** The key's note for non-canonical CBOR, when it sent any: one sentence naming the kinds of departure. */
export function encodingNote(ctap2: Ctap2): string[] {
  const departures = ctap2.encodingDepartures;
  return departures.length ? [`${ENCODING_NOTE}${departures.join(', ')}`] : [];
}

/** A key's notes with what a later session with it showed: its encoding note names every kind of departure seen so far, once. */
export function withEncodingNote(notes: readonly string[], ctap2: Ctap2): string[] {
  const seen = new Set<string>(ctap2.encodingDepartures);
  if (seen.size === 0) return [...notes];
  const prior = notes.find((n) => n.startsWith(ENCODING_NOTE));
  prior?.slice(ENCODING_NOTE.length).split(', ').forEach((d) => seen.add(d));
  const note = `${ENCODING_NOTE}${CBOR_DEPARTURES.filter((d) => seen.has(d)).join(', ')}`;
  return prior ? notes.map((n) => (n === prior ? note : n)) : [...notes, note];
}

/**
 * Creates Keyward's own non-resident credential on a key, under Keyward's RP ID, and verifies
 * the registration as a relying party would: the RP ID hash, the touch, and the attestation
 * signature over the exact bytes the key sent. Both emergency keys and custodians' keys are
 * enrolled this way.
 */
export async function registerKeywardCredential(ctap2: Ctap2, userName: string, onTouch: () => void, now: Date = new Date()): Promise<KeywardRegistration> {
  const challenge = new Uint8Array(randomBytes(32));
  const { made } = await createCredential(
    ctap2,
    { rpId: KEYWARD_RP_ID, rpName: 'Keyward', origin: KEYWARD_ORIGIN, challenge, userId: new Uint8Array(randomBytes(16)), userName },
    { timeoutMs: 60_000, ...touchPrompt(onTouch) },
  );
  const { authData } = made;
  const attested = authData.attestedCredentialData!;
  if (!Buffer.from(authData.rpIdHash).equals(hash('sha256', KEYWARD_RP_ID, 'buffer'))) refuse(`the credential is not for ${KEYWARD_RP_ID}`);
  if (!authData.flags.up) refuse('the key did not report a touch');
  const key = credentialPublicKey(attested.publicKey);
  const clientDataHash = new Uint8Array(hash('sha256', clientDataJSON('webauthn.create', challenge, KEYWARD_ORIGIN), 'buffer'));
  const attestation = await verifyAttestation(made, clientDataHash, key, now);
  return {
    credential: { id: Buffer.from(attested.credentialId).toString('base64url'), publicKey: encodeCanonical(attested.publicKey), counter: authData.signCount },
    aaguid: formatAaguid(Buffer.from(attested.aaguid).toString('hex')),
    attestation,
    notes: [...attestation.notes, ...encodingNote(ctap2)],
  };
}
