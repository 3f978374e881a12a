import { encodeCanonical, type CborMap, type CborValue } from './cbor';
import { ClientPinSubCmd, CoseAlgorithm, Ctap2Cmd } from './constants';

export interface CredentialDescriptor {
  readonly id: Uint8Array;
  readonly type: 'public-key';
}

export interface MakeCredentialRequest {
  readonly clientDataHash: Uint8Array;
  readonly rp: { readonly id: string; readonly name?: string };
  readonly user: { readonly id: Uint8Array; readonly name?: string; readonly displayName?: string };
  readonly pubKeyCredParams?: readonly { readonly alg: number; readonly type: 'public-key' }[];
  readonly excludeList?: readonly CredentialDescriptor[];
  readonly options?: { readonly rk?: boolean; readonly uv?: boolean };
}

export interface GetAssertionRequest {
  readonly rpId: string;
  readonly clientDataHash: Uint8Array;
  readonly allowList?: readonly CredentialDescriptor[];
  readonly options?: { readonly up?: boolean; readonly uv?: boolean };
}

/** The PIN/UV protocol Keyward names when asking for retry counters (no PIN is ever sent). */
export const PIN_UV_PROTOCOL_ONE = 1;

/** A map of the entries whose value is given; absent optional members are left out, never sent as null. */
function definedEntries(entries: [CborValue, CborValue | undefined][]): CborMap {
  const map: CborMap = new Map();
  for (let i = 0; i < entries.length; i += 1) {
    const [key, value] = entries[i]!;
    if (value !== undefined) map.set(key, value);
  }
  return map;
}

const textMap = (entries: [string, CborValue | undefined][]): CborMap => definedEntries(entries);
const descriptor = (d: CredentialDescriptor): CborMap => textMap([['id', d.id], ['type', d.type]]);

function command(cmd: Ctap2Cmd, params?: CborMap): Uint8Array {
  if (!params) return Uint8Array.of(cmd);
  const body = encodeCanonical(params);
  const out = new Uint8Array(1 + body.length);
  out[0] = cmd;
  out.set(body, 1);
  return out;
}

const params = (entries: [number, CborValue | undefined][]): CborMap => definedEntries(entries);

export const encodeGetInfo = (): Uint8Array => command(Ctap2Cmd.GET_INFO);

export const encodeGetPinRetries = (): Uint8Array =>
  command(Ctap2Cmd.CLIENT_PIN, params([[0x01, PIN_UV_PROTOCOL_ONE], [0x02, ClientPinSubCmd.GET_PIN_RETRIES]]));

export const encodeGetUvRetries = (): Uint8Array =>
  command(Ctap2Cmd.CLIENT_PIN, params([[0x01, PIN_UV_PROTOCOL_ONE], [0x02, ClientPinSubCmd.GET_UV_RETRIES]]));

export function encodeMakeCredential(request: MakeCredentialRequest): Uint8Array {
  const options = request.options ? textMap([['rk', request.options.rk], ['uv', request.options.uv]]) : undefined;
  return command(
    Ctap2Cmd.MAKE_CREDENTIAL,
    params([
      [0x01, request.clientDataHash],
      [0x02, textMap([['id', request.rp.id], ['name', request.rp.name]])],
      [0x03, textMap([['id', request.user.id], ['name', request.user.name], ['displayName', request.user.displayName]])],
      [0x04, (request.pubKeyCredParams ?? [{ alg: CoseAlgorithm.ES256, type: 'public-key' }]).map((p) => textMap([['alg', p.alg], ['type', p.type]]))],
      [0x05, request.excludeList?.length ? request.excludeList.map(descriptor) : undefined],
      [0x07, options && options.size > 0 ? options : undefined],
    ]),
  );
}

export function encodeGetAssertion(request: GetAssertionRequest): Uint8Array {
  const options = request.options ? textMap([['up', request.options.up], ['uv', request.options.uv]]) : undefined;
  return command(
    Ctap2Cmd.GET_ASSERTION,
    params([
      [0x01, request.rpId],
      [0x02, request.clientDataHash],
      [0x03, request.allowList?.length ? request.allowList.map(descriptor) : undefined],
      [0x05, options && options.size > 0 ? options : undefined],
    ]),
  );
}
