/** Why talking to a card through PC/SC failed. */
export type CardFailure = 'service_unavailable' | 'no_reader' | 'no_card' | 'card_removed' | 'unresponsive' | 'timeout' | 'closed' | 'transmit_failed';

/** The PC/SC layer: the service, a reader or the card's presence. */
export class PcscError extends Error {
  override readonly name = 'PcscError';
  constructor(
    readonly failure: CardFailure,
    message: string,
    /** The PC/SC status code (SCARD_E_…, SCARD_W_…) where one was reported. */
    readonly code?: number,
  ) {
    super(message);
  }
}

/** The card answered a command with a status word other than 9000. */
export class ApduStatusError extends Error {
  override readonly name = 'ApduStatusError';
  constructor(
    readonly sw: number,
    readonly command: string,
  ) {
    super(`${command} was refused by the card: status ${sw.toString(16).toUpperCase().padStart(4, '0')} (${describeStatusWord(sw)})`);
  }
}

/** The card's answer did not have the structure the standard requires. */
export class CardDataError extends Error {
  override readonly name = 'CardDataError';
}

/** ISO 7816-4 and SP 800-73-4 status words, in words. */
export function describeStatusWord(sw: number): string {
  if ((sw & 0xfff0) === 0x63c0) return `verification failed, ${sw & 0x0f} retries left`;
  if ((sw & 0xff00) === 0x6100) return 'more data available';
  if ((sw & 0xff00) === 0x6c00) return `wrong length, ${sw & 0xff} bytes expected`;
  const words: Record<number, string> = {
    0x6281: 'returned data may be corrupted',
    0x6700: 'wrong length',
    0x6882: 'secure messaging not supported',
    0x6982: 'security status not satisfied (a PIN would be needed)',
    0x6983: 'authentication method blocked',
    0x6a80: 'incorrect data',
    0x6a81: 'function not supported',
    0x6a82: 'file or application not found',
    0x6a86: 'incorrect parameters P1-P2',
    0x6a88: 'referenced data not found',
    0x6b00: 'wrong parameters',
    0x6d00: 'instruction not supported',
    0x6e00: 'class not supported',
    0x6f00: 'no precise diagnosis',
  };
  return words[sw] ?? 'unknown status';
}
