import type { CallOptions } from '../ctaphid/connection';
import { CBOR_DEPARTURES, CborError, decodeTolerant, requireMap, type CborDeparture, type CborMap } from './cbor';
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

/**
 * A CTAP2 response: its status byte, then nothing or one CBOR map filling the rest, read
 * tolerantly (any key order, any head length) with what departed from canonical form.
 */
function checkedResponse(response: Uint8Array): { map: CborMap | undefined; departures: readonly CborDeparture[] } {
  if (response.length === 0) throw new CtapResponseError('the key sent an empty CTAP2 response');
  const status = response[0]!;
  if (status !== CtapStatus.SUCCESS) throw new CtapError(status);
  if (response.length === 1) return { map: undefined, departures: [] };
  try {
    const { value, departures } = decodeTolerant(response.subarray(1));
    return { map: requireMap(value, 'a CTAP2 response'), departures };
  } catch (error) {
    if (error instanceof CborError) throw new CtapResponseError(error.message);
    throw error;
  }
}

/**
 * Commands that need no touch end within this time, keepalives or not: a key that keeps saying
 * "processing" must not hold a check for the 30 s a touch may take.
 */
export const NO_TOUCH_TIMEOUT_MS = 5_000;

/**
 * CTAP2 commands over a CBOR channel. Requests are canonical CBOR; responses are read
 * tolerantly, as real keys do not all encode canonically, and each departure is kept in
 * `encodingNotes`. A non-zero status becomes a CtapError carrying it, anything malformed a
 * CtapResponseError.
 */
export class Ctap2 {
  readonly #notes: string[] = [];
  readonly #departures = new Set<CborDeparture>();

  constructor(private readonly channel: CborChannel) {}

  /** How this key's responses departed from canonical CBOR, one line per response part ("getInfo: map keys out of canonical order"). */
  get encodingNotes(): readonly string[] {
    return [...this.#notes];
  }

  /** The kinds of departure seen, in a fixed order. */
  get encodingDepartures(): readonly CborDeparture[] {
    return CBOR_DEPARTURES.filter((d) => this.#departures.has(d));
  }

  #note(what: string, departures: readonly CborDeparture[]): void {
    if (departures.length === 0) return;
    departures.forEach((d) => this.#departures.add(d));
    const line = `${what}: ${departures.join(', ')}`;
    if (!this.#notes.includes(line)) this.#notes.push(line);
  }

  async send(request: Uint8Array, options?: CallOptions): Promise<CborMap | undefined> {
    const { map, departures } = checkedResponse(await this.channel.cbor(request, options));
    this.#note('response', departures);
    return map;
  }

  async #sendExpectingMap(request: Uint8Array, what: string, options?: CallOptions): Promise<CborMap> {
    const { map, departures } = checkedResponse(await this.channel.cbor(request, options));
    if (!map) throw new CtapResponseError(`${what}: the key answered with no data`);
    this.#note(what, departures);
    return map;
  }

  async getInfo(options?: CallOptions): Promise<AuthenticatorInfo> {
    return parseGetInfo(await this.#sendExpectingMap(encodeGetInfo(), 'getInfo', noTouch(options)));
  }

  /** clientPIN getPINRetries: needs no PIN and changes nothing on the key. */
  async getPinRetries(options?: CallOptions): Promise<PinRetries> {
    return parsePinRetries(await this.#sendExpectingMap(encodeGetPinRetries(), 'getPINRetries', noTouch(options)));
  }

  async getUvRetries(options?: CallOptions): Promise<number> {
    return parseUvRetries(await this.#sendExpectingMap(encodeGetUvRetries(), 'getUVRetries', noTouch(options)));
  }

  async makeCredential(request: MakeCredentialRequest, options?: CallOptions): Promise<MakeCredentialResponse> {
    const made = parseMakeCredential(await this.#sendExpectingMap(encodeMakeCredential(request), 'makeCredential', options));
    this.#note('makeCredential authenticator data', made.authData.departures);
    return made;
  }

  async getAssertion(request: GetAssertionRequest, options?: CallOptions): Promise<GetAssertionResponse> {
    const asserted = parseGetAssertion(await this.#sendExpectingMap(encodeGetAssertion(request), 'getAssertion', options));
    this.#note('getAssertion authenticator data', asserted.authData.departures);
    return asserted;
  }
}

/** A command that needs no touch gets NO_TOUCH_TIMEOUT_MS unless the caller asks for less. */
const noTouch = (options: CallOptions = {}): CallOptions => ({ ...options, timeoutMs: Math.min(options.timeoutMs ?? NO_TOUCH_TIMEOUT_MS, NO_TOUCH_TIMEOUT_MS) });
