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
  // The one read waiting for a report, if any, and its settle functions.
  #resolve: ((report: Uint8Array | undefined) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;
  // One timer, re-armed for each read that waits: a fresh setTimeout per read, cleared a few
  // microseconds later, would make Node build and tear down a timer list every round trip.
  // It holds the process open only while a read waits: a waiting read always has it armed and
  // ref'd (#armTimer), and it is unref'd only when that read settles (#settled). Closing or
  // unplugging rejects the waiting read and drops the timer, so no read outlives its transport.
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerMs = 0;

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

  // Not async: a write is done when it returns, and a round trip makes several; each async call
  // would allocate a promise of its own where one settled promise serves them all.
  // Awaiting the one settled promise is as safe as awaiting a fresh one (each await gets its own
  // continuation); a failure, the key's included, is a rejection of its own, never a throw.
  write(report: Uint8Array): Promise<void> {
    try {
      this.#ensureOpen();
      assertReport(report);
      this.endpoint.receiveReport(report.slice());
    } catch (error) {
      return Promise.reject(error);
    }
    return WRITTEN;
  }

  read(timeoutMs: number): Promise<Uint8Array | undefined> {
    try {
      this.#ensureOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (!(timeoutMs > 0)) return NOTHING_YET;
    // One waiting read at a time, as on a HID device: a second one would take the first one's
    // place and leave it waiting forever, so it is refused instead.
    if (this.#resolve) return Promise.reject(new TransportError('read_failed', `${this.description} is already being read`));
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#armTimer(Math.min(timeoutMs, LONGEST_TIMER_MS));
    });
  }

  async close(): Promise<void> {
    this.#open = false;
    this.#failPending(new TransportError('closed', `${this.description} was closed`));
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #armTimer(ms: number): void {
    if (this.#timer && this.#timerMs === ms) {
      this.#timer.refresh();
      this.#timer.ref();
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#timedOut, ms);
    this.#timerMs = ms;
  }

  readonly #timedOut = (): void => {
    const resolve = this.#resolve;
    if (!resolve) return;
    this.#settled();
    resolve(undefined);
  };

  #settled(): void {
    this.#timer?.unref();
    this.#resolve = undefined;
    this.#reject = undefined;
  }

  #deliver(report: Uint8Array): void {
    if (!this.#open || this.#unplugged) return;
    if (report.length !== HID_REPORT_SIZE) return; // a USB host drops malformed reports
    const copy = report.slice();
    const resolve = this.#resolve;
    if (resolve) {
      this.#settled();
      resolve(copy);
    } else this.#queue.push(copy);
  }

  #unplug(): void {
    this.#unplugged = true;
    this.#failPending(new TransportError('closed', `${this.description} was unplugged`));
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #failPending(error: Error): void {
    const reject = this.#reject;
    this.#settled();
    this.#queue.length = 0;
    reject?.(error);
  }

  #ensureOpen(): void {
    if (this.#unplugged) throw new TransportError('closed', `${this.description} was unplugged`);
    if (!this.#open) throw new TransportError('closed', `${this.description} is not open`);
  }
}

const WRITTEN: Promise<void> = Promise.resolve();
/** setTimeout fires after 1 ms when asked for longer than this. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const NOTHING_YET: Promise<undefined> = Promise.resolve(undefined);
