/** What kind of failure a use case reports; the CLI and IPC map these to exit codes and replies. */
export const KEYWARD_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'database_too_new',
  'not_a_keyward_database',
  /** Keyward's own file, but SQLite finds it damaged (truncated, overwritten pages): a finding, not bad input. */
  'database_damaged',
  'verification_failed',
  /** A key, card or reader could not be used: not there, removed, or answering nonsense. */
  'device',
] as const;
export type KeywardErrorCode = (typeof KEYWARD_ERROR_CODES)[number];

/** One error type for the domain: a code, a human message, and the field at fault when there is one. */
export class KeywardError extends Error {
  readonly code: KeywardErrorCode;
  readonly field: string | undefined;

  constructor(code: KeywardErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'KeywardError';
    this.code = code;
    this.field = field;
  }
}

export const invalidInput = (field: string, message: string): KeywardError =>
  new KeywardError('invalid_input', message, field);

export const isKeywardError = (value: unknown): value is KeywardError => value instanceof KeywardError;
