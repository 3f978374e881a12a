import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KeywardError } from '../core/errors';

/**
 * Checks where an output file (an export, a report) is to go, before any work is done for it:
 * its folder exists and can be written, and the path does not name a folder. Returns the
 * absolute path.
 */
export function checkOutputPath(path: unknown, field = 'out'): string {
  if (typeof path !== 'string' || path.trim() === '') throw new KeywardError('invalid_input', 'the output file needs a path', field);
  const cannot = (why: string) => new KeywardError('invalid_input', `cannot write ${path}: ${why}`, field);
  const target = resolve(path);
  const folder = dirname(target);
  const folderStats = statIfThere(folder, cannot);
  if (!folderStats) throw cannot(`the folder ${folder} does not exist`);
  if (!folderStats.isDirectory()) throw cannot(`${folder} is not a folder`);
  if (statIfThere(target, cannot)?.isDirectory()) throw cannot('it is a folder; give the path of a file');
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw cannot(`the folder ${folder} cannot be written to`);
  }
  return target;
}

function statIfThere(path: string, cannot: (why: string) => KeywardError): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw cannot(`${path} cannot be examined (${code ?? (error as Error).message})`);
  }
}

/**
 * Writes a file that is either whole or absent: the content goes to a temporary file in the same
 * folder, is flushed to disk and renamed over the target, and the folder is flushed so that the
 * rename survives a power cut. On any failure the temporary file is removed and the target is
 * left as it was.
 */
export function writeOutputFileSync<T>(path: string, write: (fd: number) => T, field = 'out'): T {
  const output = openTemporary(checkOutputPath(path, field), field);
  try {
    const result = write(output.fd);
    output.commit();
    return result;
  } catch (error) {
    output.discard();
    throw error;
  }
}

/** The same for work that takes its time (a long report laid out page by page, letting other work run between pages). */
export async function writeOutputFile<T>(path: string, write: (fd: number) => Promise<T>, field = 'out'): Promise<T> {
  const output = openTemporary(checkOutputPath(path, field), field);
  try {
    const result = await write(output.fd);
    output.commit();
    return result;
  } catch (error) {
    output.discard();
    throw error;
  }
}

/** Writes all of `data` at the file's current position. */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

function openTemporary(target: string, field: string) {
  const temporary = join(dirname(target), `${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', 0o644);
  } catch (error) {
    throw new KeywardError('invalid_input', `cannot write ${target}: ${(error as Error).message}`, field);
  }
  const opened = fd;
  return {
    fd: opened,
    commit: () => {
      fsyncSync(opened);
      fd = undefined;
      closeSync(opened);
      renameSync(temporary, target);
      syncFolder(dirname(target));
    },
    discard: () => {
      if (fd !== undefined) closeQuietly(fd);
      fd = undefined;
      try {
        unlinkSync(temporary);
      } catch {
        // already renamed into place, or never written: nothing is left behind either way
      }
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the write already failed; that failure is the one to report
  }
}

/**
 * Makes a rename in the folder durable. Windows cannot open a folder for this (NTFS does not need
 * it), and some file systems refuse to flush a folder; the file is whole either way.
 */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  } finally {
    closeSync(fd);
  }
}
