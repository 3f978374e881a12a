import { CborError, member, requireMap, type CborMap, type CborValue } from './cbor';
import { parseAuthenticatorData, type AuthenticatorData } from './authenticator-data';
import { CtapResponseError } from './errors';

/** authenticatorGetInfo, parsed (CTAP 2.1 §6.4). */
export interface AuthenticatorInfo {
  readonly versions: readonly string[];
  readonly extensions: readonly string[];
  readonly aaguid: Uint8Array;
  readonly options: Readonly<Record<string, boolean>>;
  readonly maxMsgSize?: number;
  readonly pinUvAuthProtocols: readonly number[];
  readonly transports: readonly string[];
  readonly algorithms: readonly { readonly type: string; readonly alg: number }[];
  readonly firmwareVersion?: number;
}

export interface PinRetries {
  readonly pinRetries: number;
  readonly powerCycleState?: boolean;
}

export interface MakeCredentialResponse {
  readonly fmt: string;
  readonly authData: AuthenticatorData;
  readonly attStmt: CborMap;
}

export interface GetAssertionResponse {
  readonly credential?: { readonly id: Uint8Array; readonly type: string };
  readonly authData: AuthenticatorData;
  readonly signature: Uint8Array;
  readonly user?: { readonly id: Uint8Array };
  readonly numberOfCredentials?: number;
}

/** Runs a parser, turning any shape problem into the layer's response error. */
function parsing<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CtapResponseError) throw error;
    if (error instanceof CborError) throw new CtapResponseError(`${what}: ${error.message}`);
    throw error;
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CborError(`${what} is missing`);
  return value;
}

function textArray(value: CborValue[] | undefined, what: string): string[] {
  return (value ?? []).map((item) => {
    if (typeof item !== 'string') throw new CborError(`${what} must hold text strings`);
    return item;
  });
}

export function parseGetInfo(response: CborMap): AuthenticatorInfo {
  return parsing('getInfo', () => {
    const aaguid = required(member.bytes(response, 0x03, 'aaguid'), 'aaguid');
    if (aaguid.length !== 16) throw new CborError(`aaguid is ${aaguid.length} bytes, not 16`);
    const optionsMap = member.map(response, 0x04, 'options') ?? new Map();
    const options: Record<string, boolean> = {};
    for (const [key, value] of optionsMap) {
      if (typeof key !== 'string' || typeof value !== 'boolean') throw new CborError('options must map text to true or false');
      options[key] = value;
    }
    const protocols = (member.array(response, 0x06, 'pinUvAuthProtocols') ?? []).map((p) => {
      if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 0) throw new CborError('pinUvAuthProtocols must hold unsigned integers');
      return p;
    });
    const algorithms = (member.array(response, 0x0a, 'algorithms') ?? []).map((a) => {
      const entry = requireMap(a, 'an algorithm');
      return { type: required(member.text(entry, 'type', 'algorithm type'), 'algorithm type'), alg: required(member.int(entry, 'alg', 'algorithm'), 'algorithm') };
    });
    return {
      versions: textArray(required(member.array(response, 0x01, 'versions'), 'versions'), 'versions'),
      extensions: textArray(member.array(response, 0x02, 'extensions'), 'extensions'),
      aaguid,
      options,
      maxMsgSize: member.uint(response, 0x05, 'maxMsgSize'),
      pinUvAuthProtocols: protocols,
      transports: textArray(member.array(response, 0x09, 'transports'), 'transports'),
      algorithms,
      firmwareVersion: member.uint(response, 0x0e, 'firmwareVersion'),
    };
  });
}

export function parsePinRetries(response: CborMap): PinRetries {
  return parsing('getPINRetries', () => ({
    pinRetries: required(member.uint(response, 0x03, 'pinRetries'), 'pinRetries'),
    powerCycleState: member.bool(response, 0x04, 'powerCycleState'),
  }));
}

export function parseUvRetries(response: CborMap): number {
  return parsing('getUVRetries', () => required(member.uint(response, 0x05, 'uvRetries'), 'uvRetries'));
}

export function parseMakeCredential(response: CborMap): MakeCredentialResponse {
  return parsing('makeCredential', () => {
    const authData = parseAuthenticatorData(required(member.bytes(response, 0x02, 'authData'), 'authData'));
    if (!authData.attestedCredentialData) throw new CborError('authData carries no attested credential data');
    return {
      fmt: required(member.text(response, 0x01, 'fmt'), 'fmt'),
      authData,
      attStmt: required(member.map(response, 0x03, 'attStmt'), 'attStmt'),
    };
  });
}

export function parseGetAssertion(response: CborMap): GetAssertionResponse {
  return parsing('getAssertion', () => {
    const credentialMap = member.map(response, 0x01, 'credential');
    const userMap = member.map(response, 0x04, 'user');
    return {
      credential: credentialMap && {
        id: required(member.bytes(credentialMap, 'id', 'credential id'), 'credential id'),
        type: required(member.text(credentialMap, 'type', 'credential type'), 'credential type'),
      },
      authData: parseAuthenticatorData(required(member.bytes(response, 0x02, 'authData'), 'authData')),
      signature: required(member.bytes(response, 0x03, 'signature'), 'signature'),
      user: userMap && { id: required(member.bytes(userMap, 'id', 'user id'), 'user id') },
      numberOfCredentials: member.uint(response, 0x05, 'numberOfCredentials'),
    };
  });
}
