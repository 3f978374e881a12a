import type { CallOptions } from '../ctaphid/connection';
import { CborError, decodeCanonical, requireMap, type CborMap } from './cbor';
import { CtapStatus } from './constants';
import { CtapError, CtapResponseError } from './errors';
import { encodeGetAssertion, encodeGetInfo, encodeGetPinRetries, encodeGetUvRetries, encodeMakeCredential, type GetAssertionRequest, type MakeCredentialRequest } from './requests';
import {
  parseGetAssertion,
  parseGetInfo,
  parseMakeCredential,
  parsePinRetries,
  parseUvRetries,
  type AuthenticatorInfo,
  type GetAssertionResponse,
  type MakeCredentialResponse,
  type PinRetries,
} from './responses';

/** What Ctap2 needs from the layer below: a CBOR exchange (CTAPHID_CBOR over a channel). */
export interface CborChannel {
  cbor(request: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
}

/** A CTAP2 response: its status byte, then nothing or one canonical CBOR map filling the rest. */
function checkedResponse(response: Uint8Array): CborMap | undefined {
  if (response.length === 0) throw new CtapResponseError('the key sent an empty CTAP2 response');
  const status = response[0]!;
  if (status !== CtapStatus.SUCCESS) throw new CtapError(status);
  if (response.length === 1) return undefined;
  try {
    return requireMap(decodeCanonical(response.subarray(1)), 'a CTAP2 response');
  } catch (error) {
    if (error instanceof CborError) throw new CtapResponseError(error.message);
    throw error;
  }
}

/**
 * CTAP2 commands over a CBOR channel. Responses are strict canonical CBOR; a non-zero status
 * becomes a CtapError carrying it, anything malformed a CtapResponseError.
 */
export class Ctap2 {
  constructor(private readonly channel: CborChannel) {}

  async send(request: Uint8Array, options?: CallOptions): Promise<CborMap | undefined> {
    return checkedResponse(await this.channel.cbor(request, options));
  }

  async #sendExpectingMap(request: Uint8Array, what: string, options?: CallOptions): Promise<CborMap> {
    const response = checkedResponse(await this.channel.cbor(request, options));
    if (!response) throw new CtapResponseError(`${what}: the key answered with no data`);
    return response;
  }

  async getInfo(options?: CallOptions): Promise<AuthenticatorInfo> {
    return parseGetInfo(await this.#sendExpectingMap(encodeGetInfo(), 'getInfo', options));
  }

  /** clientPIN getPINRetries: needs no PIN and changes nothing on the key. */
  async getPinRetries(options?: CallOptions): Promise<PinRetries> {
    return parsePinRetries(await this.#sendExpectingMap(encodeGetPinRetries(), 'getPINRetries', options));
  }

  async getUvRetries(options?: CallOptions): Promise<number> {
    return parseUvRetries(await this.#sendExpectingMap(encodeGetUvRetries(), 'getUVRetries', options));
  }

  async makeCredential(request: MakeCredentialRequest, options?: CallOptions): Promise<MakeCredentialResponse> {
    return parseMakeCredential(await this.#sendExpectingMap(encodeMakeCredential(request), 'makeCredential', options));
  }

  async getAssertion(request: GetAssertionRequest, options?: CallOptions): Promise<GetAssertionResponse> {
    return parseGetAssertion(await this.#sendExpectingMap(encodeGetAssertion(request), 'getAssertion', options));
  }
}
