import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { KeywardError, isKeywardError } from '../../core/errors';
import { lookAtExport, type ExportLook } from '../../core/guidance/export-kind';
import { describePlace, type TextPlace } from '../../core/guidance/scan-limits';
import { cannotReadInput as cannotRead } from '../input-file';
import type { ProgressReport } from '../ports';

const CHUNK = 64 * 1024;
const HEAD = 16 * 1024;

/** A scanner the file's text is streamed into; it knows where in the text it has got to. */
export interface TextSink {
  push(text: string): void;
  place(): TextPlace;
}


function open(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw cannotRead(path, error);
  }
}

/** Looks at the first kilobytes of an export to tell its format and kind, before it is read. */
export function lookAtExportFile(path: string): ExportLook {
  const fd = open(path);
  try {
    const buffer = Buffer.alloc(HEAD);
    const read = readSync(fd, buffer, 0, HEAD, 0);
    // Not fatal: the head may end inside a character; the full read checks every byte.
    return lookAtExport(new TextDecoder('utf-8').decode(buffer.subarray(0, read)));
  } catch (error) {
    if (isKeywardError(error)) throw error;
    throw cannotRead(path, error);
  } finally {
    closeSync(fd);
  }
}

/** How many bytes at the end of `bytes[0, end)` begin a character that is not complete yet. */
function incompleteTail(bytes: Uint8Array, end: number): number {
  for (let back = 1; back <= Math.min(4, end); back += 1) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that does not start a well-formed UTF-8 character (RFC 3629). */
function firstMalformedByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

/**
 * Streams a file's text into `sink` in chunks, refusing bytes that are not UTF-8 (a Latin-1 or
 * UTF-16 export) at the line and column where they stand; a byte order mark is dropped. Returns
 * the SHA-256 of the file's bytes.
 */
export function streamExportFile(path: string, sink: TextSink, progress?: ProgressReport): string {
  const fd = open(path);
  const size = progress ? fstatSync(fd).size : 0;
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Room for a character cut off at the end of one read, carried to the start of the next.
  const buffer = Buffer.alloc(CHUNK + 4);
  let carried = 0;
  let offset = 0;
  try {
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, carried, CHUNK, null);
      } catch (error) {
        throw cannotRead(path, error);
      }
      hash.update(buffer.subarray(carried, carried + read));
      const filled = carried + read;
      const whole = read === 0 ? filled : filled - incompleteTail(buffer, filled);
      const piece = buffer.subarray(0, whole);
      let text: string;
      try {
        text = decoder.decode(piece, { stream: read !== 0 });
      } catch {
        throw notUtf8(sink, piece, offset);
      }
      sink.push(text);
      progress?.(offset + whole, Math.max(size, offset + whole));
      if (read === 0) break;
      offset += whole;
      carried = filled - whole;
      buffer.copy(buffer, 0, whole, filled);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The text before the bad byte goes through first, so the sink can say where the byte stands. */
function notUtf8(sink: TextSink, piece: Uint8Array, offset: number): KeywardError {
  const bad = firstMalformedByte(piece);
  sink.push(new TextDecoder('utf-8', { ignoreBOM: offset > 0 }).decode(piece.subarray(0, bad)));
  const utf16 = offset === 0 && bad === 0 && piece.length >= 2 && ((piece[0] === 0xff && piece[1] === 0xfe) || (piece[0] === 0xfe && piece[1] === 0xff));
  const byte = piece[bad] === undefined ? 'the file ends inside a character' : `byte 0x${piece[bad]!.toString(16).toUpperCase().padStart(2, '0')} (at offset ${offset + bad})`;
  const hint = utf16 ? 'the file is UTF-16 text' : 'Latin-1 or Windows-1252 text?';
  return new KeywardError('invalid_input', `${describePlace(sink.place())}: ${byte} is not UTF-8 (${hint}); export the file as UTF-8`, 'file');
}
