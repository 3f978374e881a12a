/**
 * A minimal POSIX ustar archive of regular files, written byte for byte the same way every time
 * and read back strictly: every header checksum, every padding byte and the closing blocks are
 * checked, so that one byte changed anywhere in the file is caught and placed in a member.
 */
const BLOCK = 512;

export interface TarMember {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Where a strict read found the archive wrong: the member (0-based, in order) and what. */
export class TarDamage extends Error {
  constructor(
    readonly member: number,
    message: string,
  ) {
    super(message);
  }
}

const octal = (value: number, digits: number) => `${value.toString(8).padStart(digits, '0')}\0`;

function header(member: TarMember, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const name = Buffer.from(member.name, 'utf8');
  if (name.length > 100 || member.name.includes('\0')) throw new Error(`a tar member name must be at most 100 bytes: ${member.name}`);
  name.copy(block, 0);
  block.write(octal(0o644, 7), 100, 'latin1');
  block.write(octal(0, 7), 108, 'latin1');
  block.write(octal(0, 7), 116, 'latin1');
  block.write(octal(member.data.length, 11), 124, 'latin1');
  block.write(octal(mtime, 11), 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write('0', 156, 'latin1');
  block.write('ustar\u000000', 257, 'latin1');
  block.write(`${checksum(block).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** The sum of the header's bytes with the checksum field read as eight spaces. */
function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

const padding = (length: number) => (BLOCK - (length % BLOCK)) % BLOCK;

export function writeTar(members: readonly TarMember[], mtimeSeconds: number): Buffer {
  const parts: Buffer[] = [];
  for (const member of members) {
    parts.push(header(member, mtimeSeconds), Buffer.from(member.data), Buffer.alloc(padding(member.data.length)));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

const allZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

/** Reads an archive written by writeTar; anything else, or any byte out of place, is a TarDamage. */
export function readTar(bytes: Buffer): TarMember[] {
  const members: TarMember[] = [];
  let offset = 0;
  for (;;) {
    const index = members.length;
    if (offset + BLOCK > bytes.length) throw new TarDamage(index, 'the archive ends before its closing blocks (truncated)');
    const block = bytes.subarray(offset, offset + BLOCK);
    if (allZero(block)) {
      if (bytes.length !== offset + BLOCK * 2 || !allZero(bytes.subarray(offset + BLOCK))) throw new TarDamage(index, 'the archive\'s closing blocks were changed, or bytes follow them');
      return members;
    }
    const field = (start: number, length: number) => block.toString('latin1', start, start + length);
    if (!/^[0-7]{6}\0 $/.test(field(148, 8)) || parseInt(field(148, 6), 8) !== checksum(block)) throw new TarDamage(index, 'its tar header was changed (the checksum does not match)');
    if (field(257, 8) !== 'ustar\u000000' || field(156, 1) !== '0') throw new TarDamage(index, 'its tar header is not a plain ustar file entry');
    const sizeText = field(124, 12);
    if (!/^[0-7]{11}\0$/.test(sizeText)) throw new TarDamage(index, 'its tar header gives no size');
    const size = parseInt(sizeText, 8);
    const nameEnd = block.indexOf(0);
    const name = block.toString('utf8', 0, nameEnd === -1 || nameEnd > 100 ? 100 : nameEnd);
    const start = offset + BLOCK;
    const end = start + size;
    if (end + padding(size) > bytes.length) throw new TarDamage(index, 'the archive ends inside this member (truncated)');
    if (!allZero(bytes.subarray(end, end + padding(size)))) throw new TarDamage(index, 'the padding after it was changed');
    members.push({ name, data: bytes.subarray(start, end) });
    offset = end + padding(size);
  }
}
