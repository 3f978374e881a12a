import { HID_REPORT_SIZE, TransportError, assertReport, type Transport } from './transport';

/** FIDO authenticators announce this HID usage page and usage (CTAP 2.1, §11.2.8.1). */
export const FIDO_USAGE_PAGE = 0xf1d0;
export const FIDO_USAGE = 0x01;

export interface HidDeviceInfo {
  readonly path?: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly product?: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  readonly usagePage?: number;
  readonly usage?: number;
}

interface HidHandle {
  write(values: number[] | Buffer): Promise<number>;
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** The part of node-hid used here, so that the module is loaded only when a key is looked for. */
export interface HidBackend {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

export async function loadNodeHid(): Promise<HidBackend> {
  let hid: typeof import('node-hid');
  try {
    hid = await import('node-hid');
  } catch (error) {
    throw new TransportError('open_failed', `USB HID support could not be loaded (on Linux it needs libusb-1.0-0): ${(error as Error).message}`);
  }
  // hidraw is the right backend for FIDO keys on Linux: it needs no detaching of kernel drivers.
  if (process.platform === 'linux') hid.setDriverType('hidraw');
  return { devicesAsync: () => hid.devicesAsync(), open: (path) => hid.HIDAsync.open(path) };
}

export const isFidoDevice = (device: HidDeviceInfo): boolean => device.usagePage === FIDO_USAGE_PAGE && device.usage === FIDO_USAGE && Boolean(device.path);

export async function enumerateFidoDevices(backend?: HidBackend): Promise<HidDeviceInfo[]> {
  const hid = backend ?? (await loadNodeHid());
  return (await hid.devicesAsync()).filter(isFidoDevice);
}

/**
 * hidapi wants the report id in front of every written report (0 for FIDO keys, which use
 * unnumbered reports); on some platforms reads come back with it too. Both are handled here.
 */
export function withReportId(report: Uint8Array): number[] {
  return [0x00, ...report];
}

export function withoutReportId(data: Uint8Array): Uint8Array {
  if (data.length === HID_REPORT_SIZE + 1 && data[0] === 0) return data.subarray(1);
  if (data.length !== HID_REPORT_SIZE) throw new TransportError('bad_report', `the key sent a ${data.length}-byte report; FIDO reports are ${HID_REPORT_SIZE} bytes`);
  return data;
}

/** A real FIDO key over USB HID through node-hid. */
export class NodeHidTransport implements Transport {
  readonly description: string;
  #handle: HidHandle | undefined;

  constructor(
    readonly device: HidDeviceInfo,
    private readonly backend?: HidBackend,
  ) {
    this.description = `${device.product ?? 'FIDO key'} (${device.path ?? 'no path'})`;
  }

  get isOpen(): boolean {
    return this.#handle !== undefined;
  }

  async open(): Promise<void> {
    if (this.#handle) return;
    if (!this.device.path) throw new TransportError('open_failed', `${this.description} has no device path`);
    const backend = this.backend ?? (await loadNodeHid());
    try {
      this.#handle = await backend.open(this.device.path);
    } catch (error) {
      throw new TransportError('open_failed', `cannot open ${this.description}: ${(error as Error).message} (on Linux, is the udev rule installed?)`);
    }
  }

  async write(report: Uint8Array): Promise<void> {
    assertReport(report);
    const handle = this.#require();
    try {
      await handle.write(withReportId(report));
    } catch (error) {
      await this.close();
      throw new TransportError('closed', `${this.description} could not be written to: ${(error as Error).message}`);
    }
  }

  async read(timeoutMs: number): Promise<Uint8Array | undefined> {
    const handle = this.#require();
    let data: Buffer | undefined;
    try {
      data = await handle.read(Math.max(0, Math.round(timeoutMs)));
    } catch (error) {
      await this.close();
      throw new TransportError('closed', `${this.description} could not be read: ${(error as Error).message}`);
    }
    if (!data || data.length === 0) return undefined;
    return withoutReportId(new Uint8Array(data));
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  #require(): HidHandle {
    if (!this.#handle) throw new TransportError('closed', `${this.description} is not open`);
    return this.#handle;
  }
}
