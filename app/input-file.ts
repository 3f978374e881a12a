import { readFileSync } from 'node:fs';
import { KeywardError } from '../core/errors';

/** The error for a file a person named that cannot be read: invalid input, at the field that named it. */
export const cannotReadInput = (path: string, error: unknown): KeywardError => new KeywardError('invalid_input', `cannot read ${path}: ${(error as Error).message}`, 'file');

/** Reads a whole file a person named (an export, a bundle), or refuses it with a clear error. */
export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw cannotReadInput(path, error);
  }
}
