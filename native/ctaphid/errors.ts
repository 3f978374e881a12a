import { CtapHidErrorCode } from './constants';

export type CtapHidErrorKind =
  | 'timeout'
  | 'no_answer'
  | 'device_error'
  | 'bad_packet'
  | 'bad_sequence'
  | 'bad_init'
  | 'unexpected_command'
  | 'message_too_long'
  | 'cancelled'
  | 'transport';

/** The CTAPHID layer's one error type; `deviceCode` carries a CTAPHID_ERROR code from the key. */
export class CtapHidError extends Error {
  constructor(
    readonly kind: CtapHidErrorKind,
    message: string,
    readonly deviceCode?: CtapHidErrorCode,
  ) {
    super(message);
    this.name = 'CtapHidError';
  }
}

export function deviceErrorName(code: number): string {
  return CtapHidErrorCode[code] ? `ERR_${CtapHidErrorCode[code]}` : `ERR_0x${code.toString(16).padStart(2, '0')}`;
}
