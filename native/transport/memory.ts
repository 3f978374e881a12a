import { HID_REPORT_SIZE, TransportError, assertReport, type Transport } from './transport';

/** The device side of an in-memory pipe: it receives the host's reports and sends its own. */
export interface HidEndpoint {
  /** Called with each report the host writes. */
  receiveReport(report: Uint8Array): void;
  /** The endpoint calls `send` for each report it emits; `unplug` closes the pipe. */
  attach(link: { send(report: Uint8Array): void; unplug(): void }): void;
}

/**
 * A transport whose other end is a HidEndpoint in the same process, typically the software
 * authenticator. Reports are copied both ways, as a USB bus would.
 */
export class MemoryTransport implements Transport {
  readonly description: string;
  #open = false;
  #unplugged = false;
  readonly #queue: Uint8Array[] = [];
  #waiter: ((report: Uint8Array | undefined) => void) | undefined;
  #failWaiter: ((error: Error) => void) | undefined;

  constructor(
    private readonly endpoint: HidEndpoint,
    description = 'software authenticator',
  ) {
    this.description = description;
    endpoint.attach({
      send: (report) => this.#deliver(report),
      unplug: () => this.#unplug(),
    });
  }

  get isOpen(): boolean {
    return this.#open && !this.#unplugged;
  }

  async open(): Promise<void> {
    if (this.#unplugged) throw new TransportError('open_failed', `${this.description} is unplugged`);
    this.#open = true;
  }

  async write(report: Uint8Array): Promise<void> {
    this.#ensureOpen();
    assertReport(report);
    this.endpoint.receiveReport(report.slice());
  }

  read(timeoutMs: number): Promise<Uint8Array | undefined> {
    try {
      this.#ensureOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        this.#failWaiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.#waiter = (report) => {
        clearTimeout(timer);
        resolve(report);
      };
      this.#failWaiter = (error) => {
        clearTimeout(timer);
        reject(error);
      };
    });
  }

  async close(): Promise<void> {
    this.#open = false;
    this.#failPending(new TransportError('closed', `${this.description} was closed`));
  }

  #deliver(report: Uint8Array): void {
    if (!this.#open || this.#unplugged) return;
    if (report.length !== HID_REPORT_SIZE) return; // a USB host drops malformed reports
    const copy = report.slice();
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.#failWaiter = undefined;
      waiter(copy);
    } else this.#queue.push(copy);
  }

  #unplug(): void {
    this.#unplugged = true;
    this.#failPending(new TransportError('closed', `${this.description} was unplugged`));
  }

  #failPending(error: Error): void {
    const fail = this.#failWaiter;
    this.#waiter = undefined;
    this.#failWaiter = undefined;
    this.#queue.length = 0;
    fail?.(error);
  }

  #ensureOpen(): void {
    if (this.#unplugged) throw new TransportError('closed', `${this.description} was unplugged`);
    if (!this.#open) throw new TransportError('closed', `${this.description} is not open`);
  }
}
