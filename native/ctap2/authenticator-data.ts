import { readUint16, readUint32 } from '../big-endian';
import { decodeTolerantPrefix, requireMap, type CborDeparture, type CborMap } from './cbor';
import { CtapResponseError } from './errors';

export interface AuthenticatorFlags {
  /** User present: the key was touched. */
  readonly up: boolean;
  /** User verified (PIN or biometrics). */
  readonly uv: boolean;
  readonly be: boolean;
  readonly bs: boolean;
  /** Attested credential data is included. */
  readonly at: boolean;
  /** Extension data is included. */
  readonly ed: boolean;
}

export interface AttestedCredentialData {
  readonly aaguid: Uint8Array;
  readonly credentialId: Uint8Array;
  readonly publicKey: CborMap;
  /** The COSE key exactly as encoded by the key. */
  readonly publicKeyBytes: Uint8Array;
}

export interface AuthenticatorData {
  readonly rpIdHash: Uint8Array;
  readonly flags: AuthenticatorFlags;
  readonly signCount: number;
  readonly attestedCredentialData?: AttestedCredentialData;
  readonly extensions?: CborMap;
  /** The bytes as received, which signatures cover. */
  readonly raw: Uint8Array;
  /** How the credential public key or extensions departed from canonical CBOR (read tolerantly); empty when they did not. */
  readonly departures: readonly CborDeparture[];
}

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

/** Parses authenticator data (WebAuthn §6.1); any leftover or missing byte is an error. */
export function parseAuthenticatorData(raw: Uint8Array): AuthenticatorData {
  if (raw.length < 37) throw new CtapResponseError(`authenticator data is ${raw.length} bytes; at least 37 are needed`);
  const flagsByte = raw[32]!;
  const flags: AuthenticatorFlags = {
    up: (flagsByte & FLAG.UP) !== 0,
    uv: (flagsByte & FLAG.UV) !== 0,
    be: (flagsByte & FLAG.BE) !== 0,
    bs: (flagsByte & FLAG.BS) !== 0,
    at: (flagsByte & FLAG.AT) !== 0,
    ed: (flagsByte & FLAG.ED) !== 0,
  };
  let offset = 37;
  const departures = new Set<CborDeparture>();
  let attestedCredentialData: AttestedCredentialData | undefined;
  if (flags.at) {
    if (raw.length < offset + 18) throw new CtapResponseError('attested credential data is truncated');
    const aaguid = raw.slice(offset, offset + 16);
    const idLength = readUint16(raw, offset + 16);
    offset += 18;
    if (idLength === 0 || idLength > 1023) throw new CtapResponseError(`credential id length ${idLength} is out of range`);
    if (raw.length < offset + idLength) throw new CtapResponseError('credential id is truncated');
    const credentialId = raw.slice(offset, offset + idLength);
    offset += idLength;
    const key = decodeCose(raw.subarray(offset));
    key.departures.forEach((d) => departures.add(d));
    attestedCredentialData = { aaguid, credentialId, publicKey: key.value, publicKeyBytes: raw.slice(offset, offset + key.length) };
    offset += key.length;
  }
  let extensions: CborMap | undefined;
  if (flags.ed) {
    const ext = decodeCose(raw.subarray(offset), 'extensions');
    ext.departures.forEach((d) => departures.add(d));
    extensions = ext.value;
    offset += ext.length;
  }
  if (offset !== raw.length) throw new CtapResponseError(`authenticator data has ${raw.length - offset} unexpected trailing bytes`);
  return { rpIdHash: raw.slice(0, 32), flags, signCount: readUint32(raw, 33), attestedCredentialData, extensions, raw, departures: [...departures] };
}

/** A CBOR map embedded in authenticator data, read tolerantly: the bytes around it stay exactly as received. */
function decodeCose(bytes: Uint8Array, what = 'credential public key'): { value: CborMap; length: number; departures: readonly CborDeparture[] } {
  try {
    const { value, length, departures } = decodeTolerantPrefix(bytes);
    return { value: requireMap(value, what), length, departures };
  } catch (error) {
    throw new CtapResponseError(`${what}: ${(error as Error).message}`);
  }
}
