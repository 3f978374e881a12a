import { constants, createPrivateKey, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { newKeyPair } from '../key-pair';
import { PIV_AID, PIV_ALGORITHM, PIV_OBJECT } from '../pcsc/piv';
import type { ApduResponder } from '../pcsc/readers';
import { encodeTlv, readTlvs } from '../pcsc/tlv';
import { buildCertificate, type DistinguishedName } from './certificate-builder';
import { signDigest } from './raw-ecdsa';

/** A software PIV card's contents, JSON-safe so the drill store can keep it. */
export interface PivCardState {
  readonly guid: string;
  /** Data objects by tag (e.g. "5FC102"), base64 of what GET DATA returns inside tag 53. */
  readonly objects: Readonly<Record<string, string>>;
  /** Private keys by slot ("9A", "9E"): PIV algorithm id and PKCS#8 DER, base64. */
  readonly keys: Readonly<Record<string, { readonly algorithm: number; readonly pkcs8: string }>>;
  /** Tries left for the PIN and the PUK; 3 each when absent. A wrong PIN sent to the card takes one. */
  pinRetries?: number;
  pukRetries?: number;
  /** The serial a YubiKey publishes (GET SERIAL, INS F8); a card without one does not know the instruction. */
  readonly serial?: number;
}

export type KeyKind = 'ec-p256' | 'ec-p384' | 'rsa-2048';

export interface NewCardOptions {
  readonly holder: DistinguishedName;
  readonly upn?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyKind?: KeyKind;
  /** Whether the card has a Card Authentication key and certificate (slot 9E). */
  readonly cardAuthentication?: boolean;
  /** Signs the certificates; each is self-signed when absent. */
  readonly issuer?: { readonly name: DistinguishedName; readonly key: KeyObject };
  readonly guid?: string;
  /** A serial the card publishes as a YubiKey does; none when absent. */
  readonly serial?: number;
}

const ALGORITHM_OF: Record<KeyKind, number> = { 'ec-p256': PIV_ALGORITHM.eccP256, 'ec-p384': PIV_ALGORITHM.eccP384, 'rsa-2048': PIV_ALGORITHM.rsa2048 };

/** A slot's key pair; signDigest exports its private key as a JWK, so it comes from newKeyPair (no deadlock). */
export function generateSlotKey(kind: KeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  if (kind === 'rsa-2048') return newKeyPair({ type: 'rsa', modulusLength: 2048 });
  return newKeyPair({ type: 'ec', namedCurve: kind === 'ec-p384' ? 'P-384' : 'P-256' });
}

/** A certificate object as SP 800-73-4 stores it: 70 certificate, 71 CertInfo (uncompressed), FE error detection. */
export const certificateObject = (der: Uint8Array): Uint8Array => Buffer.concat([encodeTlv(0x70, der), encodeTlv(0x71, Uint8Array.of(0)), encodeTlv(0xfe)]);

const tagKey = (tag: number) => tag.toString(16).toUpperCase();

/** Makes a new card: a GUID, a CHUID, and key pairs with certificates in 9A (and 9E). */
export function newPivCardState(options: NewCardOptions): PivCardState {
  const guid = options.guid ?? randomBytes(16).toString('hex');
  const kind = options.keyKind ?? 'ec-p256';
  const objects: Record<string, string> = {};
  const keys: Record<string, { algorithm: number; pkcs8: string }> = {};
  const expiration = options.notAfter.toISOString().slice(0, 10).replace(/-/g, '');
  const chuid = Buffer.concat([encodeTlv(0x34, Buffer.from(guid, 'hex')), encodeTlv(0x35, Buffer.from(expiration, 'latin1')), encodeTlv(0x3e), encodeTlv(0xfe)]);
  objects[tagKey(PIV_OBJECT.chuid)] = chuid.toString('base64');
  const slots: [string, number, DistinguishedName][] = [['9A', PIV_OBJECT.authenticationCertificate, options.holder]];
  if (options.cardAuthentication !== false) slots.push(['9E', PIV_OBJECT.cardAuthenticationCertificate, { ...options.holder, commonName: `${options.holder.commonName} (card authentication)` }]);
  for (const [slot, tag, subject] of slots) {
    const { privateKey, publicKey } = generateSlotKey(kind);
    const der = buildCertificate({
      subject,
      subjectKey: publicKey,
      selfKey: privateKey,
      issuer: options.issuer,
      serial: randomBytes(16),
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      upn: slot === '9A' ? options.upn : undefined,
    });
    objects[tagKey(tag)] = Buffer.from(certificateObject(der)).toString('base64');
    keys[slot] = { algorithm: ALGORITHM_OF[kind], pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64') };
  }
  return { guid, objects, keys, ...(options.serial === undefined ? {} : { serial: options.serial }) };
}

/** Ways a test can make the card misbehave. */
export type PivCardMisbehaviour =
  /** Data that is not BER-TLV, with a 9000 status. */
  | 'garbage'
  /** A single byte where a status word needs two. */
  | 'truncated'
  /** An object whose length says more than is sent. */
  | 'short-object'
  /** The certificate's bytes damaged. */
  | 'corrupt-certificate'
  /** GENERAL AUTHENTICATE signs with a key that is not the certificate's. */
  | 'wrong-key';

const SW = { ok: 0x9000, wrongLength: 0x6700, securityStatus: 0x6982, incorrectData: 0x6a80, notFound: 0x6a82, dataNotFound: 0x6a88, insNotSupported: 0x6d00, claNotSupported: 0x6e00, wrongP1P2: 0x6a86, blocked: 0x6983 } as const;

const withStatus = (data: Uint8Array, sw: number): Uint8Array => Buffer.concat([data, Uint8Array.of(sw >> 8, sw & 0xff)]);

/**
 * A PIV card in software that answers APDUs as SP 800-73-4 describes: SELECT, GET DATA with
 * GET RESPONSE chaining, GENERAL AUTHENTICATE with command chaining. Slot 9A needs a PIN (so it
 * refuses, as Keyward never sends one); slot 9E signs without.
 */
export class SoftwarePivCard implements ApduResponder {
  readonly atr = Uint8Array.from(Buffer.from('3BF81300008131FE15597562696B657934D4', 'hex'));
  private selected = false;
  private pending: Uint8Array = new Uint8Array(0);
  private chained: Uint8Array[] = [];
  /** Commands seen, for tests ("it never sent GENERAL AUTHENTICATE to 9A"). */
  readonly log: string[] = [];
  /** Each VERIFY: the key reference and how many data bytes (a PIN) came with it, for tests ("it never sent a PIN"). */
  readonly verifications: { readonly reference: number; readonly dataLength: number }[] = [];

  constructor(
    readonly state: PivCardState,
    private readonly misbehaviour?: PivCardMisbehaviour,
  ) {}

  respond(apdu: Uint8Array): Uint8Array {
    if (this.misbehaviour === 'truncated' && this.selected) return Uint8Array.of(0x90);
    if (this.misbehaviour === 'garbage' && this.selected) return withStatus(Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01), SW.ok);
    if (apdu.length < 4) return withStatus(new Uint8Array(0), SW.wrongLength);
    const [cla, ins, p1, p2] = apdu as unknown as [number, number, number, number];
    this.log.push(ins.toString(16).toUpperCase().padStart(2, '0'));
    if ((cla & ~0x10) !== 0x00) return withStatus(new Uint8Array(0), SW.claNotSupported);
    let data: Uint8Array;
    try {
      data = commandData(apdu);
    } catch {
      return withStatus(new Uint8Array(0), SW.wrongLength);
    }
    if (ins !== 0xc0) this.pending = new Uint8Array(0);
    if (cla & 0x10) {
      this.chained.push(data);
      return withStatus(new Uint8Array(0), SW.ok);
    }
    if (this.chained.length) {
      data = Buffer.concat([...this.chained, data]);
      this.chained = [];
    }
    switch (ins) {
      case 0xa4:
        return this.select(p1, p2, data);
      case 0xcb:
        return this.selected ? this.getData(p1, p2, data) : withStatus(new Uint8Array(0), SW.insNotSupported);
      case 0x87:
        return this.selected ? this.generalAuthenticate(p1, p2, data) : withStatus(new Uint8Array(0), SW.insNotSupported);
      case 0x20:
        return this.selected ? this.verify(p1, p2, data) : withStatus(new Uint8Array(0), SW.insNotSupported);
      case 0xf8:
        return this.selected && this.state.serial !== undefined ? this.answer(serialBytes(this.state.serial)) : withStatus(new Uint8Array(0), SW.insNotSupported);
      case 0xc0:
        return this.next();
      default:
        return withStatus(new Uint8Array(0), SW.insNotSupported);
    }
  }

  private select(p1: number, p2: number, aid: Uint8Array): Uint8Array {
    if (p1 !== 0x04 || p2 !== 0x00) return withStatus(new Uint8Array(0), SW.wrongP1P2);
    if (aid.length < 5 || !Buffer.from(PIV_AID).subarray(0, aid.length).equals(Buffer.from(aid))) return withStatus(new Uint8Array(0), SW.notFound);
    this.selected = true;
    const template = encodeTlv(0x61, encodeTlv(0x4f, PIV_AID.subarray(5)), encodeTlv(0x79, encodeTlv(0x4f, PIV_AID)), encodeTlv(0x50, Buffer.from('Keyward software PIV', 'latin1')));
    return this.answer(template);
  }

  private getData(p1: number, p2: number, data: Uint8Array): Uint8Array {
    if (p1 !== 0x3f || p2 !== 0xff) return withStatus(new Uint8Array(0), SW.wrongP1P2);
    if (data.length !== 5 || data[0] !== 0x5c || data[1] !== 0x03) return withStatus(new Uint8Array(0), SW.incorrectData);
    const tag = Buffer.from(data.subarray(2)).toString('hex').toUpperCase();
    const stored = this.state.objects[tag];
    if (stored === undefined) return withStatus(new Uint8Array(0), SW.notFound);
    let object: Uint8Array = Buffer.from(stored, 'base64');
    if (this.misbehaviour === 'corrupt-certificate' && tag !== '5FC102') object = certificateObject(Buffer.from(object).subarray(40, 200));
    const wrapped = encodeTlv(0x53, object);
    return this.answer(this.misbehaviour === 'short-object' ? wrapped.subarray(0, wrapped.length - 10) : wrapped);
  }

  private generalAuthenticate(algorithm: number, slot: number, data: Uint8Array): Uint8Array {
    const slotName = slot.toString(16).toUpperCase();
    const key = this.state.keys[slotName];
    if (!key) return withStatus(new Uint8Array(0), SW.dataNotFound);
    if (slotName !== '9E') return withStatus(new Uint8Array(0), SW.securityStatus);
    if (algorithm !== key.algorithm) return withStatus(new Uint8Array(0), SW.incorrectData);
    let challenge: Uint8Array | undefined;
    try {
      const outer = readTlvs(data, 'GENERAL AUTHENTICATE');
      const inner = outer.length === 1 && outer[0]!.tag === 0x7c ? readTlvs(outer[0]!.value, 'template') : [];
      if (inner.some((t) => t.tag === 0x82 && t.value.length === 0)) challenge = inner.find((t) => t.tag === 0x81)?.value;
    } catch {
      challenge = undefined;
    }
    if (!challenge) return withStatus(new Uint8Array(0), SW.incorrectData);
    const privateKey = this.misbehaviour === 'wrong-key' ? generateSlotKey(kindOf(key.algorithm)).privateKey : createPrivateKey({ key: Buffer.from(key.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    let signature: Uint8Array;
    if (key.algorithm === PIV_ALGORITHM.rsa2048) {
      if (challenge.length !== 256) return withStatus(new Uint8Array(0), SW.incorrectData);
      signature = privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, challenge);
    } else {
      if (challenge.length !== (key.algorithm === PIV_ALGORITHM.eccP384 ? 48 : 32)) return withStatus(new Uint8Array(0), SW.incorrectData);
      signature = signDigest(privateKey, challenge);
    }
    return this.answer(encodeTlv(0x7c, encodeTlv(0x82, signature)));
  }

  /**
   * VERIFY (SP 800-73-4 part 2, 3.2.1) of the PIN (80) or PUK (81). With no data it only tells
   * the tries left (63Cx, or 6983 when blocked); with data it is a PIN this card does not hold
   * (the software card has none set), so each such try takes one.
   */
  private verify(p1: number, reference: number, data: Uint8Array): Uint8Array {
    this.verifications.push({ reference, dataLength: data.length });
    if (p1 !== 0x00) return withStatus(new Uint8Array(0), SW.wrongP1P2);
    const field = reference === 0x80 ? 'pinRetries' : reference === 0x81 ? 'pukRetries' : undefined;
    if (!field) return withStatus(new Uint8Array(0), SW.dataNotFound);
    let left = this.state[field] ?? 3;
    if (left === 0) return withStatus(new Uint8Array(0), SW.blocked);
    if (data.length > 0) this.state[field] = left = left - 1;
    return withStatus(new Uint8Array(0), left === 0 ? SW.blocked : 0x63c0 | Math.min(left, 15));
  }

  /** Sends up to 256 bytes now and says how much more waits for GET RESPONSE (61xx). */
  private answer(data: Uint8Array): Uint8Array {
    this.pending = data;
    return this.next();
  }

  private next(): Uint8Array {
    const chunk = this.pending.subarray(0, 256);
    this.pending = this.pending.subarray(chunk.length);
    return withStatus(chunk, this.pending.length === 0 ? SW.ok : 0x6100 | Math.min(this.pending.length, 256) % 256);
  }
}

/** GET SERIAL's answer: the serial as four bytes, big-endian. */
function serialBytes(serial: number): Uint8Array {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(serial);
  return new Uint8Array(bytes);
}

const kindOf = (algorithm: number): KeyKind => (algorithm === PIV_ALGORITHM.rsa2048 ? 'rsa-2048' : algorithm === PIV_ALGORITHM.eccP384 ? 'ec-p384' : 'ec-p256');

/** The data field of a short APDU (case 1–4); a malformed length throws. */
function commandData(apdu: Uint8Array): Uint8Array {
  if (apdu.length <= 5) return new Uint8Array(0);
  const lc = apdu[4]!;
  if (lc === 0 || apdu.length < 5 + lc || apdu.length > 6 + lc) throw new RangeError('bad Lc');
  return apdu.subarray(5, 5 + lc);
}
