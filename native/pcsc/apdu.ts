import { ApduStatusError, CardDataError } from './errors';
import type { CardConnection } from './readers';

/** An ISO 7816-4 command; `le` 0 means "no data expected", 256 is "up to 256 bytes". */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  readonly le?: number;
}

export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

export const SW_OK = 0x9000;
const CHAINING = 0x10;
const GET_RESPONSE = 0xc0;
/** No PIV object comes near this; a card that keeps saying "more data" past it is broken. */
const MAX_RESPONSE = 64 * 1024;

/** Encodes a short APDU (data up to 255 bytes, Le up to 256). */
export function encodeApdu(command: CommandApdu): Uint8Array {
  const data = command.data ?? new Uint8Array(0);
  if (data.length > 255) throw new RangeError(`a short APDU carries at most 255 data bytes, not ${data.length}`);
  const le = command.le ?? 0;
  if (le < 0 || le > 256) throw new RangeError(`Le must be 0..256, not ${le}`);
  const bytes = [command.cla, command.ins, command.p1, command.p2];
  if (data.length > 0) bytes.push(data.length, ...data);
  if (le > 0) bytes.push(le === 256 ? 0 : le);
  return new Uint8Array(bytes);
}

/** Splits a response APDU into data and status word. */
export function parseResponse(bytes: Uint8Array, command: string): ResponseApdu {
  if (bytes.length === 0) throw new CardDataError(`${command}: the card sent nothing back (was it removed mid-read?)`);
  if (bytes.length < 2) throw new CardDataError(`${command}: the card's answer is ${bytes.length} byte(s) long; a status word alone needs 2 (truncated answer)`);
  return { data: bytes.subarray(0, bytes.length - 2), sw: (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]! };
}

/**
 * Sends a command and returns its whole answer: long data goes out in a command chain, a long
 * answer is collected with GET RESPONSE (61xx), a wrong Le is corrected once (6Cxx). Any final
 * status other than 9000 is an ApduStatusError naming the command.
 */
export async function transceive(card: CardConnection, command: CommandApdu, name: string): Promise<Uint8Array> {
  const data = command.data ?? new Uint8Array(0);
  let response: ResponseApdu;
  let offset = 0;
  do {
    const chunk = data.subarray(offset, offset + 255);
    const last = offset + chunk.length >= data.length;
    response = parseResponse(
      await card.transmit(encodeApdu({ ...command, cla: last ? command.cla : command.cla | CHAINING, data: chunk, le: last ? command.le : 0 })),
      name,
    );
    offset += chunk.length;
    if (!last && response.sw !== SW_OK) throw new ApduStatusError(response.sw, name);
  } while (offset < data.length);

  if ((response.sw & 0xff00) === 0x6c00) {
    response = parseResponse(await card.transmit(encodeApdu({ ...command, le: response.sw & 0xff || 256 })), name);
  }
  const parts = [response.data];
  let total = response.data.length;
  while ((response.sw & 0xff00) === 0x6100) {
    response = parseResponse(await card.transmit(encodeApdu({ cla: 0x00, ins: GET_RESPONSE, p1: 0, p2: 0, le: response.sw & 0xff || 256 })), `${name} (GET RESPONSE)`);
    parts.push(response.data);
    total += response.data.length;
    if (total > MAX_RESPONSE) throw new CardDataError(`${name}: the card keeps sending data past ${MAX_RESPONSE} bytes`);
  }
  if (response.sw !== SW_OK) throw new ApduStatusError(response.sw, name);
  return Buffer.concat(parts);
}
