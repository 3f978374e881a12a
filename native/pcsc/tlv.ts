import { CardDataError } from './errors';

/** One BER-TLV data object (ISO 7816-4 / SP 800-73-4): tags of up to three bytes, definite lengths. */
export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

const MAX_LENGTH = 0xffffff;

/** Reads a sequence of TLVs that must fill `bytes` exactly; `where` names the object in errors. */
export function readTlvs(bytes: Uint8Array, where: string): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    let tag = bytes[offset++]!;
    if ((tag & 0x1f) === 0x1f) {
      let more = true;
      for (let i = 0; more; i++) {
        if (i === 2) throw new CardDataError(`${where}: tag at byte ${start} is longer than three bytes`);
        if (offset >= bytes.length) throw new CardDataError(`${where}: tag at byte ${start} is cut short`);
        const next = bytes[offset++]!;
        tag = (tag << 8) | next;
        more = (next & 0x80) !== 0;
      }
    }
    if (offset >= bytes.length) throw new CardDataError(`${where}: tag ${hexTag(tag)} has no length`);
    let length = bytes[offset++]!;
    if (length === 0x80) throw new CardDataError(`${where}: tag ${hexTag(tag)} has an indefinite length, which is not allowed here`);
    if (length > 0x80) {
      const count = length & 0x7f;
      if (count > 3) throw new CardDataError(`${where}: tag ${hexTag(tag)} has a ${count}-byte length field`);
      if (offset + count > bytes.length) throw new CardDataError(`${where}: the length of tag ${hexTag(tag)} is cut short`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[offset++]!;
    }
    if (length > MAX_LENGTH || offset + length > bytes.length) {
      throw new CardDataError(`${where}: tag ${hexTag(tag)} says ${length} bytes but only ${bytes.length - offset} remain (truncated answer)`);
    }
    out.push({ tag, value: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return out;
}

/** The one TLV with `tag`, or an error naming what is missing. */
export function requireTlv(list: readonly Tlv[], tag: number, where: string): Uint8Array {
  const found = list.find((t) => t.tag === tag);
  if (!found) throw new CardDataError(`${where}: tag ${hexTag(tag)} is missing`);
  return found.value;
}

export const optionalTlv = (list: readonly Tlv[], tag: number): Uint8Array | undefined => list.find((t) => t.tag === tag)?.value;

/** Encodes a TLV with the shortest length form (which is also DER). */
export function encodeTlv(tag: number, ...values: Uint8Array[]): Uint8Array {
  const length = values.reduce((n, v) => n + v.length, 0);
  const tagBytes = tag > 0xffff ? [tag >> 16, (tag >> 8) & 0xff, tag & 0xff] : tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const lengthBytes = length < 0x80 ? [length] : length <= 0xff ? [0x81, length] : length <= 0xffff ? [0x82, length >> 8, length & 0xff] : [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(tagBytes.length + lengthBytes.length + length);
  out.set(tagBytes, 0);
  out.set(lengthBytes, tagBytes.length);
  let offset = tagBytes.length + lengthBytes.length;
  for (const value of values) {
    out.set(value, offset);
    offset += value.length;
  }
  return out;
}

export const hexTag = (tag: number): string => tag.toString(16).toUpperCase().padStart(2, '0');
