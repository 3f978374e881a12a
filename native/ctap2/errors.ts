import { CtapStatus } from './constants';

/** The CTAP2 layer's one error type: a non-zero status from the key, e.g. CTAP2_ERR_PIN_BLOCKED. */
export class CtapError extends Error {
  constructor(readonly status: number) {
    super(`the key answered ${ctapStatusName(status)}`);
    this.name = 'CtapError';
  }

  get statusName(): string {
    return ctapStatusName(this.status);
  }
}

/** A response that does not parse as what the command promises: the key sent garbage. */
export class CtapResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CtapResponseError';
  }
}

export function ctapStatusName(status: number): string {
  const name = CtapStatus[status];
  if (name === undefined) return `CTAP2_ERR_0x${status.toString(16).padStart(2, '0')}`;
  return status === CtapStatus.SUCCESS ? 'CTAP2_OK' : status <= 0x0b ? `CTAP1_ERR_${name}` : `CTAP2_ERR_${name}`;
}
