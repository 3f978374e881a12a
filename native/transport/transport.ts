/** FIDO HID reports are always 64 bytes (CTAP 2.1, §11.2.4). */
export const HID_REPORT_SIZE = 64;

export type TransportErrorCode = 'closed' | 'open_failed' | 'write_failed' | 'read_failed' | 'bad_report';

/** The transport layer's one error type. */
export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * A connection to one FIDO HID device, report by report. Implementations: node-hid for real
 * keys, and an in-memory pipe to the software authenticator.
 */
export interface Transport {
  /** Human-readable: product name and path. Never contains secrets. */
  readonly description: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Sends one 64-byte report. */
  write(report: Uint8Array): Promise<void>;
  /** The next 64-byte report, or undefined if none arrived within the timeout. */
  read(timeoutMs: number): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

export function assertReport(report: Uint8Array): void {
  if (report.length !== HID_REPORT_SIZE) throw new TransportError('bad_report', `a HID report is ${HID_REPORT_SIZE} bytes, not ${report.length}`);
}
