import { randomBytes } from 'node:crypto';
import { writeUint32 } from '../big-endian';
import { createPrivateKey, sign } from 'node:crypto';
import { CborError, decodeCanonical, member, requireMap, type CborMap, type CborValue } from '../ctap2/cbor';
import { ClientPinSubCmd, CoseAlgorithm, Ctap2Cmd, CtapStatus } from '../ctap2/constants';
import { cosePublicKey, createCredential, loadCredential, sha256, signEs256, storeCredential, type SoftwareCredential, type StoredCredential } from './credentials';
import { encodeResponse, type ResponseEncoding } from './response-encoding';

/** Answers the authenticator waits for when it needs a touch. */
export type PresenceAnswer = 'touched' | 'denied' | 'timeout';

/** Set by CTAPHID_CANCEL. Lighter than an AbortController, which every command would otherwise pay for. */
export class Cancellation {
  #cancelled = false;
  #listener: (() => void) | undefined;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#listener?.();
  }

  /**
   * One listener at a time: the engine waits for one touch at a time. A listener that comes after
   * the cancel (it arrived while the engine was still deciding whether to wait) is called at once:
   * otherwise that wait would never end.
   */
  onCancel(listener: () => void): () => void {
    if (this.#cancelled) {
      listener();
      return () => undefined;
    }
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = undefined;
    };
  }
}

export interface EngineContext {
  /** Called once when the engine starts waiting for a touch (the HID layer then sends UPNEEDED keepalives). */
  readonly waitingForTouch: () => void;
  readonly cancellation: Cancellation;
}

/** Everything that makes one software key that key; serialisable for the drill store. */
export interface SoftwareAuthenticatorState {
  aaguid: string;
  firmwareVersion: number;
  signCount: number;
  pinSet: boolean;
  pinRetries: number;
  uvRetries: number | null;
  credentials: StoredCredential[];
  /** A batch attestation key and its certificate (DER, base64): "packed" with x5c; self attestation when absent. */
  attestation?: { readonly certificate: string; readonly privateKeyPkcs8: string };
  /** How responses are encoded; canonical when absent. */
  responseEncoding?: ResponseEncoding;
}

export function newAuthenticatorState(overrides: Partial<SoftwareAuthenticatorState> = {}): SoftwareAuthenticatorState {
  return {
    aaguid: randomBytes(16).toString('hex'),
    firmwareVersion: 0x050704,
    signCount: 0,
    pinSet: true,
    pinRetries: 8,
    uvRetries: null,
    credentials: [],
    ...overrides,
  };
}

const PENDING = Symbol('pending');

class StatusError extends Error {
  constructor(readonly status: CtapStatus) {
    super(CtapStatus[status]);
  }
}

const fail = (status: CtapStatus): never => {
  throw new StatusError(status);
};

function need<T>(value: T | undefined): T {
  if (value === undefined) fail(CtapStatus.MISSING_PARAMETER);
  return value as T;
}

/**
 * The CTAP2 command processor of the software authenticator: real ES256 keys, a signature
 * counter, PIN retry state and getInfo of its own. Requests must be canonical CBOR.
 */
export class SoftwareCtap2Engine {
  readonly #credentials: SoftwareCredential[];

  constructor(
    readonly state: SoftwareAuthenticatorState,
    private readonly presence: () => Promise<PresenceAnswer>,
  ) {
    this.#credentials = state.credentials.map(loadCredential);
  }

  async handle(request: Uint8Array, context: EngineContext): Promise<Uint8Array> {
    try {
      if (request.length === 0) fail(CtapStatus.INVALID_LENGTH);
      const params = request.length > 1 ? this.#params(request.subarray(1)) : new Map<CborValue, CborValue>();
      const response = await this.#dispatch(request[0]!, params, context);
      if (!response) return Uint8Array.of(CtapStatus.SUCCESS);
      const body = encodeResponse(response, this.state.responseEncoding);
      const out = new Uint8Array(body.length + 1);
      out.set(body, 1);
      return out;
    } catch (error) {
      if (error instanceof StatusError) return Uint8Array.of(error.status);
      if (error instanceof CborError) return Uint8Array.of(CtapStatus.CBOR_UNEXPECTED_TYPE);
      return Uint8Array.of(CtapStatus.OTHER);
    }
  }

  #params(bytes: Uint8Array): CborMap {
    let value: CborValue;
    try {
      value = decodeCanonical(bytes);
    } catch {
      return fail(CtapStatus.INVALID_CBOR);
    }
    if (!(value instanceof Map)) return fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
    return value;
  }

  #dispatch(cmd: number, params: CborMap, context: EngineContext): Promise<CborMap | undefined> | CborMap | undefined {
    switch (cmd) {
      case Ctap2Cmd.GET_INFO:
        return this.#getInfo();
      case Ctap2Cmd.CLIENT_PIN:
        return this.#clientPin(params);
      case Ctap2Cmd.MAKE_CREDENTIAL:
        return this.#makeCredential(params, context);
      case Ctap2Cmd.GET_ASSERTION:
        return this.#getAssertion(params, context);
      default:
        return fail(CtapStatus.INVALID_COMMAND);
    }
  }

  #getInfo(): CborMap {
    return new Map<number, CborValue>([
      [0x01, ['FIDO_2_0', 'FIDO_2_1']],
      [0x02, []],
      [0x03, new Uint8Array(Buffer.from(this.state.aaguid, 'hex'))],
      // A key with built-in user verification (a fingerprint) says so with `uv`; it then keeps a UV retry counter.
      [0x04, new Map<string, boolean>([['rk', true], ['up', true], ['plat', false], ['clientPin', this.state.pinSet], ...(this.state.uvRetries !== null ? [['uv', true] as [string, boolean]] : [])])],
      [0x05, 1200],
      [0x06, [2, 1]],
      [0x09, ['usb']],
      [0x0a, [new Map<string, CborValue>([['alg', CoseAlgorithm.ES256], ['type', 'public-key']])]],
      [0x0e, this.state.firmwareVersion],
    ]);
  }

  #clientPin(params: CborMap): CborMap {
    const sub = member.uint(params, 0x02, 'subCommand');
    if (sub === ClientPinSubCmd.GET_PIN_RETRIES) return new Map([[0x03, this.state.pinRetries]]);
    if (sub === ClientPinSubCmd.GET_UV_RETRIES && this.state.uvRetries !== null) return new Map([[0x05, this.state.uvRetries]]);
    if (sub === undefined) return fail(CtapStatus.MISSING_PARAMETER);
    return fail(CtapStatus.INVALID_SUBCOMMAND);
  }

  async #awaitTouch(context: EngineContext): Promise<void> {
    if (context.cancellation.cancelled) fail(CtapStatus.KEEPALIVE_CANCEL);
    const presence = this.presence();
    // A touch that is already there (a drill key) needs no "touch your key" keepalive at all.
    const settled = await Promise.race([presence, Promise.resolve(PENDING)]);
    const answer = settled !== PENDING ? settled : await this.#waitForTouch(presence, context);
    if (answer === 'cancelled') fail(CtapStatus.KEEPALIVE_CANCEL);
    if (answer === 'denied') fail(CtapStatus.OPERATION_DENIED);
    if (answer === 'timeout') fail(CtapStatus.USER_ACTION_TIMEOUT);
  }

  async #waitForTouch(presence: Promise<PresenceAnswer>, context: EngineContext): Promise<PresenceAnswer | 'cancelled'> {
    context.waitingForTouch();
    let stopListening: () => void = () => undefined;
    const cancelled = new Promise<'cancelled'>((resolve) => {
      stopListening = context.cancellation.onCancel(() => resolve('cancelled'));
    });
    try {
      return await Promise.race([presence, cancelled]);
    } finally {
      stopListening();
    }
  }

  #nextSignCount(): number {
    this.state.signCount += 1;
    return this.state.signCount;
  }

  #authData(rpIdHash: Uint8Array, flags: number, signCount: number, attested?: Uint8Array): Uint8Array {
    const out = new Uint8Array(37 + (attested?.length ?? 0));
    out.set(rpIdHash, 0);
    out[32] = flags;
    writeUint32(out, 33, signCount);
    if (attested) out.set(attested, 37);
    return out;
  }

  async #makeCredential(params: CborMap, context: EngineContext): Promise<CborMap> {
    const clientDataHash = need(member.bytes(params, 0x01, 'clientDataHash'));
    const rp = need(member.map(params, 0x02, 'rp'));
    const rpId = need(member.text(rp, 'id', 'rp.id'));
    const user = need(member.map(params, 0x03, 'user'));
    const userId = need(member.bytes(user, 'id', 'user.id'));
    const algorithms = need(member.array(params, 0x04, 'pubKeyCredParams')).map((p) => member.int(requireMap(p, 'param'), 'alg', 'alg'));
    const options = member.map(params, 0x07, 'options') ?? new Map();
    if (clientDataHash.length !== 32) fail(CtapStatus.INVALID_PARAMETER);
    if (!algorithms.includes(CoseAlgorithm.ES256)) fail(CtapStatus.UNSUPPORTED_ALGORITHM);
    if (member.bool(options, 'uv', 'uv') === true) fail(CtapStatus.UNSUPPORTED_OPTION);
    const rpIdHash = sha256(rpId);
    const excluded = (member.array(params, 0x05, 'excludeList') ?? []).some((d) => this.#find(rpIdHash, member.bytes(requireMap(d, 'descriptor'), 'id', 'id')));
    await this.#awaitTouch(context);
    if (excluded) fail(CtapStatus.CREDENTIAL_EXCLUDED);

    const credential = createCredential(rpId, userId, member.bool(options, 'rk', 'rk') === true);
    const publicKey = encodeResponse(cosePublicKey(credential), this.state.responseEncoding);
    const attested = new Uint8Array(18 + credential.id.length + publicKey.length);
    attested.set(Buffer.from(this.state.aaguid, 'hex'), 0);
    new DataView(attested.buffer).setUint16(16, credential.id.length);
    attested.set(credential.id, 18);
    attested.set(publicKey, 18 + credential.id.length);
    const authData = this.#authData(rpIdHash, 0x41, this.#nextSignCount(), attested);
    const signed = new Uint8Array(authData.length + 32);
    signed.set(authData);
    signed.set(clientDataHash, authData.length);
    this.#credentials.push(credential);
    this.state.credentials.push(storeCredential(credential));
    return new Map<number, CborValue>([
      [0x01, 'packed'],
      [0x02, authData],
      [0x03, this.#attestationStatement(credential, signed)],
    ]);
  }

  /** Packed attestation: with the batch key and its certificate when the key has one (keys in the order alg, x5c, sig), else self attestation. */
  #attestationStatement(credential: SoftwareCredential, signed: Uint8Array): CborMap {
    const batch = this.state.attestation;
    if (!batch) return new Map<string, CborValue>([['alg', CoseAlgorithm.ES256], ['sig', signEs256(credential, signed)]]);
    const key = createPrivateKey({ key: Buffer.from(batch.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    return new Map<string, CborValue>([
      ['alg', CoseAlgorithm.ES256],
      ['x5c', [new Uint8Array(Buffer.from(batch.certificate, 'base64'))]],
      ['sig', new Uint8Array(sign('sha256', signed, { key, dsaEncoding: 'der' }))],
    ]);
  }

  async #getAssertion(params: CborMap, context: EngineContext): Promise<CborMap> {
    const rpId = need(member.text(params, 0x01, 'rpId'));
    const clientDataHash = need(member.bytes(params, 0x02, 'clientDataHash'));
    if (clientDataHash.length !== 32) fail(CtapStatus.INVALID_PARAMETER);
    const options = member.map(params, 0x05, 'options') ?? new Map();
    if (member.bool(options, 'uv', 'uv') === true) fail(CtapStatus.UNSUPPORTED_OPTION);
    const up = member.bool(options, 'up', 'up') ?? true;
    const rpIdHash = sha256(rpId);
    const allowList = member.array(params, 0x03, 'allowList');
    const credential = allowList
      ? allowList.map((d) => this.#find(rpIdHash, member.bytes(requireMap(d, 'descriptor'), 'id', 'id'))).find((c) => c !== undefined)
      : this.#credentials.find((c) => c.residentKey && sameBytes(c.rpIdHash, rpIdHash));
    if (!credential) return fail(CtapStatus.NO_CREDENTIALS);
    if (up) await this.#awaitTouch(context);
    const authData = this.#authData(rpIdHash, up ? 0x01 : 0x00, this.#nextSignCount());
    const signed = new Uint8Array(authData.length + 32);
    signed.set(authData);
    signed.set(clientDataHash, authData.length);
    return new Map<number, CborValue>([
      [0x01, new Map<string, CborValue>([['id', credential.id], ['type', 'public-key']])],
      [0x02, authData],
      [0x03, signEs256(credential, signed)],
    ]);
  }

  #find(rpIdHash: Uint8Array, id: Uint8Array | undefined): SoftwareCredential | undefined {
    if (!id) return undefined;
    return this.#credentials.find((c) => sameBytes(c.id, id) && sameBytes(c.rpIdHash, rpIdHash));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
