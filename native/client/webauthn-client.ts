import { hash } from 'node:crypto';
import type { CallOptions } from '../ctaphid/connection';
import { encodeCanonical } from '../ctap2/cbor';
import type { Ctap2 } from '../ctap2/ctap2';
import type { GetAssertionResponse, MakeCredentialResponse } from '../ctap2/responses';

/** A registration as a browser hands it to a relying party (WebAuthn's RegistrationResponseJSON). */
export interface RegistrationResponse {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: { readonly clientDataJSON: string; readonly attestationObject: string; readonly transports: ['usb'] };
  readonly clientExtensionResults: Record<string, never>;
  readonly authenticatorAttachment: 'cross-platform';
}

/** An assertion as a browser hands it to a relying party (WebAuthn's AuthenticationResponseJSON). */
export interface AuthenticationResponse {
  readonly id: string;
  readonly rawId: string;
  readonly type: 'public-key';
  readonly response: { readonly clientDataJSON: string; readonly authenticatorData: string; readonly signature: string; readonly userHandle?: string };
  readonly clientExtensionResults: Record<string, never>;
  readonly authenticatorAttachment: 'cross-platform';
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/**
 * clientDataJSON built the way a browser builds it: members in the order type, challenge,
 * origin, crossOrigin (WebAuthn §5.8.1.1), the challenge base64url without padding.
 */
export function clientDataJSON(type: 'webauthn.create' | 'webauthn.get', challenge: Uint8Array, origin: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type, challenge: b64url(challenge), origin, crossOrigin: false }));
}

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(hash('sha256', data, 'buffer'));

export interface CreateCredentialRequest {
  readonly rpId: string;
  readonly rpName: string;
  readonly origin: string;
  readonly challenge: Uint8Array;
  readonly userId: Uint8Array;
  readonly userName: string;
}

/** What a platform client does for navigator.credentials.create() with a roaming key: a non-resident ES256 credential. */
export async function createCredential(ctap2: Ctap2, request: CreateCredentialRequest, options?: CallOptions): Promise<{ registration: RegistrationResponse; made: MakeCredentialResponse }> {
  const clientData = clientDataJSON('webauthn.create', request.challenge, request.origin);
  const made = await ctap2.makeCredential(
    {
      clientDataHash: sha256(clientData),
      rp: { id: request.rpId, name: request.rpName },
      user: { id: request.userId, name: request.userName, displayName: request.userName },
      pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
      options: { rk: false },
    },
    options,
  );
  const attestationObject = encodeCanonical(
    new Map<string, string | Uint8Array | Map<never, never>>([
      ['fmt', made.fmt],
      ['attStmt', made.attStmt as Map<never, never>],
      ['authData', made.authData.raw],
    ]),
  );
  const id = b64url(made.authData.attestedCredentialData!.credentialId);
  return {
    made,
    registration: {
      id,
      rawId: id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['usb'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    },
  };
}

export interface GetAssertionClientRequest {
  readonly rpId: string;
  readonly origin: string;
  readonly challenge: Uint8Array;
  readonly credentialId: Uint8Array;
}

/** What a platform client does for navigator.credentials.get() with one allowed credential and user presence. */
export async function getAssertion(ctap2: Ctap2, request: GetAssertionClientRequest, options?: CallOptions): Promise<{ authentication: AuthenticationResponse; asserted: GetAssertionResponse }> {
  const clientData = clientDataJSON('webauthn.get', request.challenge, request.origin);
  const asserted = await ctap2.getAssertion(
    { rpId: request.rpId, clientDataHash: sha256(clientData), allowList: [{ id: request.credentialId, type: 'public-key' }], options: { up: true } },
    options,
  );
  const id = b64url(asserted.credential?.id ?? request.credentialId);
  return {
    asserted,
    authentication: {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(asserted.authData.raw),
        signature: b64url(asserted.signature),
        ...(asserted.user ? { userHandle: b64url(asserted.user.id) } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    },
  };
}
