import { encodeTlv } from '../pcsc/tlv';

/** The few DER constructions a certificate needs (X.690). */
export const sequence = (...items: Uint8Array[]): Uint8Array => encodeTlv(0x30, ...items);
export const set = (...items: Uint8Array[]): Uint8Array => encodeTlv(0x31, ...items);
export const octetString = (bytes: Uint8Array): Uint8Array => encodeTlv(0x04, bytes);
export const utf8String = (text: string): Uint8Array => encodeTlv(0x0c, Buffer.from(text, 'utf8'));
export const nullValue = (): Uint8Array => encodeTlv(0x05);
export const bitString = (bytes: Uint8Array): Uint8Array => encodeTlv(0x03, Uint8Array.of(0), bytes);
/** A context-specific constructed tag [n]. */
export const explicit = (n: number, ...items: Uint8Array[]): Uint8Array => encodeTlv(0xa0 | n, ...items);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function integer(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  return encodeTlv(0x02, ...(bytes[0]! & 0x80 ? [Uint8Array.of(0), bytes] : [bytes]));
}

export const bigInteger = (value: bigint): Uint8Array => {
  const hex = value.toString(16);
  return integer(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
};

export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const bytes = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return encodeTlv(0x06, Uint8Array.from(bytes));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280, 4.1.2.5). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? encodeTlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'latin1')) : encodeTlv(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}
