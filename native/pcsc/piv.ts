import { gunzipSync } from 'node:zlib';
import { transceive } from './apdu';
import { ApduStatusError, CardDataError } from './errors';
import type { CardConnection } from './readers';
import { encodeTlv, hexTag, optionalTlv, readTlvs, requireTlv } from './tlv';

/** The PIV application identifier (SP 800-73-4 part 1, 2.2), version-independent prefix. */
export const PIV_AID = Uint8Array.from([0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]);

/** Data object tags of the objects Keyward reads. */
export const PIV_OBJECT = {
  chuid: 0x5fc102,
  authenticationCertificate: 0x5fc105,
  cardAuthenticationCertificate: 0x5fc101,
} as const;

/** Key references (slots). */
export const PIV_SLOT = { authentication: 0x9a, cardAuthentication: 0x9e } as const;

/** Cryptographic mechanism identifiers (SP 800-78-4 table 6-2) Keyward can verify. */
export const PIV_ALGORITHM = { rsa2048: 0x07, eccP256: 0x11, eccP384: 0x14 } as const;
export type PivAlgorithm = (typeof PIV_ALGORITHM)[keyof typeof PIV_ALGORITHM];

const INS = { select: 0xa4, getData: 0xcb, generalAuthenticate: 0x87, verify: 0x20, yubicoGetSerial: 0xf8 } as const;

/** Key references of the card's PIN and PUK (SP 800-73-4 part 2, table 4). */
export const PIV_REFERENCE = { pin: 0x80, puk: 0x81 } as const;

/**
 * The retry counter of the PIN or PUK, read without a PIN: VERIFY with no data asks only for the
 * counter (SP 800-73-4 part 2, 3.2.1), which the card answers 63Cx (x tries left) or 6983
 * (blocked). Null when the card does not say: it does not support the question for this
 * reference, or the PIN was already verified in this session (9000). Nothing else is ever sent.
 */
export async function readRetryCounter(card: CardConnection, reference: (typeof PIV_REFERENCE)[keyof typeof PIV_REFERENCE]): Promise<number | null> {
  const name = `VERIFY ${reference.toString(16).toUpperCase()} (retry counter)`;
  try {
    await transceive(card, { cla: 0x00, ins: INS.verify, p1: 0x00, p2: reference }, name);
    return null;
  } catch (error) {
    if (!(error instanceof ApduStatusError)) throw error;
    if ((error.sw & 0xfff0) === 0x63c0) return error.sw & 0x0f;
    if (error.sw === 0x6983) return 0;
    return null;
  }
}

/**
 * The serial number a YubiKey publishes in its PIV application (Yubico's GET SERIAL, INS F8,
 * YubiKey 5 and later: four bytes, big-endian), in decimal as printed on the key. Null for a card
 * that does not answer it.
 */
export async function readYubicoSerial(card: CardConnection): Promise<string | null> {
  let answer: Uint8Array;
  try {
    answer = await transceive(card, { cla: 0x00, ins: INS.yubicoGetSerial, p1: 0x00, p2: 0x00, le: 256 }, 'GET SERIAL');
  } catch (error) {
    if (error instanceof ApduStatusError) return null;
    throw error;
  }
  // Another vendor's instruction F8 may mean something else: only Yubico's four-byte answer is a serial.
  if (answer.length !== 4) return null;
  return String(Buffer.from(answer).readUInt32BE(0));
}

/** Selects the PIV application; a card without it answers 6A82. */
export async function selectPiv(card: CardConnection): Promise<void> {
  await transceive(card, { cla: 0x00, ins: INS.select, p1: 0x04, p2: 0x00, data: PIV_AID, le: 256 }, 'SELECT PIV');
}

/** Reads one data object; null when the card says it does not have it (6A82). */
export async function readObject(card: CardConnection, tag: number): Promise<Uint8Array | null> {
  const name = `GET DATA ${hexTag(tag)}`;
  const tagList = encodeTlv(0x5c, Uint8Array.from([tag >> 16, (tag >> 8) & 0xff, tag & 0xff]));
  let answer: Uint8Array;
  try {
    answer = await transceive(card, { cla: 0x00, ins: INS.getData, p1: 0x3f, p2: 0xff, data: tagList, le: 256 }, name);
  } catch (error) {
    if (error instanceof ApduStatusError && error.sw === 0x6a82) return null;
    throw error;
  }
  const outer = readTlvs(answer, name);
  if (outer.length !== 1 || outer[0]!.tag !== 0x53) throw new CardDataError(`${name}: expected one data object (tag 53), got ${outer.map((t) => hexTag(t.tag)).join(', ') || 'nothing'}`);
  return outer[0]!.value;
}

export interface Chuid {
  /** The card's GUID (tag 34), 32 hex digits. */
  readonly guid: string;
  /** FASC-N (tag 30), hex, where present. */
  readonly fascn: string | null;
  /** The CHUID's expiration date (tag 35, YYYYMMDD). */
  readonly expiration: string | null;
}

export function parseChuid(bytes: Uint8Array): Chuid {
  const items = readTlvs(bytes, 'CHUID');
  const guid = requireTlv(items, 0x34, 'CHUID');
  if (guid.length !== 16) throw new CardDataError(`CHUID: the GUID is ${guid.length} bytes long, not 16`);
  const fascn = optionalTlv(items, 0x30);
  const expiration = optionalTlv(items, 0x35);
  const expirationText = expiration ? Buffer.from(expiration).toString('latin1') : null;
  if (expirationText !== null && !/^\d{8}$/.test(expirationText)) throw new CardDataError('CHUID: the expiration date is not YYYYMMDD');
  return { guid: Buffer.from(guid).toString('hex'), fascn: fascn ? Buffer.from(fascn).toString('hex') : null, expiration: expirationText };
}

/** Takes the DER certificate out of a PIV certificate object (tags 70, 71 CertInfo, FE). */
export function parseCertificateObject(bytes: Uint8Array, where: string): Uint8Array {
  const items = readTlvs(bytes, where);
  const certificate = requireTlv(items, 0x70, where);
  const info = optionalTlv(items, 0x71);
  if (info && info.length > 0 && (info[0]! & 0x01) === 0x01) {
    try {
      return new Uint8Array(gunzipSync(certificate, { maxOutputLength: 64 * 1024 }));
    } catch (error) {
      throw new CardDataError(`${where}: the compressed certificate does not decompress (${(error as Error).message})`);
    }
  }
  return certificate;
}

/**
 * Asks the card to sign `input` with the key in `slot` (GENERAL AUTHENTICATE, SP 800-73-4
 * part 2, 3.2.4). For ECC the input is the digest; for RSA the padded block. No PIN is sent: a
 * slot that needs one answers 6982.
 */
export async function signWithSlot(card: CardConnection, slot: number, algorithm: PivAlgorithm, input: Uint8Array): Promise<Uint8Array> {
  const name = `GENERAL AUTHENTICATE ${slot.toString(16).toUpperCase()}`;
  const template = encodeTlv(0x7c, encodeTlv(0x82, new Uint8Array(0)), encodeTlv(0x81, input));
  const answer = await transceive(card, { cla: 0x00, ins: INS.generalAuthenticate, p1: algorithm, p2: slot, data: template, le: 256 }, name);
  const outer = readTlvs(answer, name);
  if (outer.length !== 1 || outer[0]!.tag !== 0x7c) throw new CardDataError(`${name}: expected a dynamic authentication template (tag 7C)`);
  return requireTlv(readTlvs(outer[0]!.value, name), 0x82, name);
}
