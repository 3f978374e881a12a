import { createRequire } from 'node:module';
import { PcscError, type CardFailure } from './errors';
import type { CardConnection, CardReaders, ReaderStatus } from './readers';

type PcscLiteFactory = typeof import('pcsclite');
type PcscLite = ReturnType<PcscLiteFactory>;

/**
 * Loads the binding when a card is first needed, so that commands without cards never depend on
 * it. The desktop app names its own copy, compiled for Electron's ABI (PcscOptions.bindingModule).
 */
function loadBinding(modulePath = 'pcsclite'): PcscLiteFactory {
  const load = typeof require === 'function' ? require : createRequire(import.meta.url);
  try {
    return load(modulePath) as PcscLiteFactory;
  } catch (error) {
    throw new PcscError('service_unavailable', `the PC/SC binding (pcsclite) could not be loaded: ${(error as Error).message.split('\n')[0]}`);
  }
}
interface Reader {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_LEAVE_CARD: number;
  connect(options: { share_mode?: number }, cb: (error: unknown, protocol: number) => void): void;
  disconnect(disposition: number, cb: (error: unknown) => void): void;
  transmit(data: Buffer, length: number, protocol: number, cb: (error: unknown, response: Buffer) => void): void;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  on(event: 'end' | 'error', listener: (error?: unknown) => void): unknown;
  close(): void;
}

// PC/SC return codes (winscard.h) that mean something to a custodian.
const FAILURES: Record<number, [CardFailure, string]> = {
  0x8010001d: ['service_unavailable', 'the PC/SC service is not running (pcscd on Linux, the Smart Card service on Windows)'],
  0x8010002e: ['no_reader', 'no smartcard reader is connected'],
  0x80100009: ['no_reader', 'the reader is not known to the PC/SC service'],
  0x80100017: ['no_reader', 'the reader was unplugged'],
  0x8010000c: ['no_card', 'there is no card in the reader'],
  0x80100069: ['card_removed', 'the card was removed from the reader'],
  0x80100068: ['card_removed', 'the card was reset by another program'],
  0x80100066: ['unresponsive', 'the card does not respond to a reset'],
  0x80100067: ['unresponsive', 'the card has no power'],
  0x8010000a: ['timeout', 'the PC/SC service timed out'],
  0x8010000b: ['transmit_failed', 'another program holds the card exclusively'],
  0x80100016: ['transmit_failed', 'the reader did not transmit the command'],
  0x8010002f: ['transmit_failed', 'the card or reader failed to communicate'],
};

/** Turns an error from the binding ("SCardTransmit error: ….(0x80100069)") into a PcscError. */
export function pcscErrorFrom(error: unknown, action: string): PcscError {
  const message = error instanceof Error ? error.message : String(error);
  const code = /\(0x([0-9a-fA-F]{8})\)/.exec(message)?.[1];
  const known = code ? FAILURES[Number.parseInt(code, 16)] : undefined;
  if (known) return new PcscError(known[0], `${action}: ${known[1]}`, Number.parseInt(code!, 16));
  return new PcscError('transmit_failed', `${action}: ${message}`, code ? Number.parseInt(code, 16) : undefined);
}

export interface PcscOptions {
  /** The pcsclite module to load (a path); by default the one in node_modules, built for Node. */
  readonly bindingModule?: string;
  /** How long to wait for the service to report its readers. */
  readonly settleMs?: number;
  /** How long one APDU may take. */
  readonly transmitTimeoutMs?: number;
}

/**
 * The system's PC/SC service through the `pcsclite` binding. Readers are reported by events;
 * `list()` answers from the latest status of each.
 */
export async function openPcscReaders(options: PcscOptions = {}): Promise<CardReaders> {
  let service: PcscLite;
  try {
    service = loadBinding(options.bindingModule)();
  } catch (error) {
    if (error instanceof PcscError) throw error;
    throw pcscErrorFrom(error, 'opening the PC/SC service');
  }
  const readers = new Map<string, { reader: Reader; status?: { state: number; atr?: Buffer } }>();
  let failure: PcscError | undefined;
  let closed = false;
  let changed: () => void = () => undefined;
  service.on('error', (error: unknown) => {
    failure = pcscErrorFrom(error, 'the PC/SC service');
    changed();
  });
  service.on('reader', (raw: unknown) => {
    const reader = raw as Reader;
    const entry: { reader: Reader; status?: { state: number; atr?: Buffer } } = { reader };
    readers.set(reader.name, entry);
    reader.on('status', (status) => {
      entry.status = status;
      changed();
    });
    reader.on('end', () => {
      readers.delete(reader.name);
      changed();
    });
    reader.on('error', () => undefined);
    changed();
  });

  // Readers arrive one event at a time: wait until each has reported its state and no new one came for a moment.
  const settleMs = options.settleMs ?? 400;
  await new Promise<void>((resolve) => {
    let timer = setTimeout(resolve, settleMs);
    changed = () => {
      clearTimeout(timer);
      const settled = readers.size > 0 && [...readers.values()].every((r) => r.status);
      timer = setTimeout(resolve, settled ? 50 : settleMs);
    };
  });
  changed = () => undefined;

  const transmitTimeoutMs = options.transmitTimeoutMs ?? 10_000;
  const alive = () => {
    if (closed) throw new PcscError('closed', 'the PC/SC connection was closed');
    if (failure) throw failure;
  };

  return {
    async list(): Promise<ReaderStatus[]> {
      alive();
      return [...readers.values()]
        .map(({ reader, status }) => {
          const cardPresent = status !== undefined && (status.state & reader.SCARD_STATE_PRESENT) !== 0;
          return { name: reader.name, cardPresent, atr: cardPresent && status?.atr?.length ? status.atr.toString('hex').toUpperCase() : null };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async connect(name: string): Promise<CardConnection> {
      alive();
      const entry = readers.get(name);
      if (!entry) throw new PcscError('no_reader', `there is no reader named "${name}"`);
      const { reader } = entry;
      const protocol = await new Promise<number>((resolve, reject) =>
        reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (error, chosen) => (error ? reject(pcscErrorFrom(error, `connecting to the card in "${name}"`)) : resolve(chosen))),
      );
      let open = true;
      return {
        reader: name,
        transmit(apdu: Uint8Array): Promise<Uint8Array> {
          if (!open) return Promise.reject(new PcscError('closed', 'the card connection was closed'));
          return new Promise<Uint8Array>((resolve, reject) => {
            const timer = setTimeout(() => reject(new PcscError('timeout', `the card in "${name}" did not answer within ${transmitTimeoutMs} ms`)), transmitTimeoutMs);
            reader.transmit(Buffer.from(apdu), 65_538, protocol, (error, response) => {
              clearTimeout(timer);
              if (error) reject(pcscErrorFrom(error, `talking to the card in "${name}"`));
              else resolve(new Uint8Array(response));
            });
          });
        },
        async close() {
          if (!open) return;
          open = false;
          if (!reader.connected) return;
          await new Promise<void>((resolve) => reader.disconnect(reader.SCARD_LEAVE_CARD, () => resolve()));
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      // Each reader and the service run a monitoring thread; all must stop for the process to exit.
      for (const { reader } of readers.values()) reader.close();
      service.close();
    },
  };
}
