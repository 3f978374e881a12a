import { describe, expect, it } from 'vitest';
import { NodeHidTransport, enumerateFidoDevices, isFidoDevice, withReportId, withoutReportId, type HidBackend, type HidDeviceInfo } from './node-hid';

// What hidapi lists on a desk with a keyboard, a YubiKey (FIDO and OTP interfaces) and a mouse.
const LISTED: HidDeviceInfo[] = [
  { path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc52b, product: 'USB Receiver', usagePage: 0x0001, usage: 0x06 },
  { path: '/dev/hidraw1', vendorId: 0x1050, productId: 0x0407, product: 'YubiKey OTP+FIDO+CCID', usagePage: 0xf1d0, usage: 0x01 },
  { path: '/dev/hidraw2', vendorId: 0x1050, productId: 0x0407, product: 'YubiKey OTP+FIDO+CCID', usagePage: 0x0001, usage: 0x06 },
  { path: '/dev/hidraw3', vendorId: 0x046d, productId: 0xc077, product: 'Mouse', usagePage: 0x0001, usage: 0x02 },
  { vendorId: 0x20a0, productId: 0x42b1, product: 'Key without a path', usagePage: 0xf1d0, usage: 0x01 },
];

describe('the node-hid transport', () => {
  it('finds FIDO keys by usage page 0xF1D0 and usage 0x01 only', async () => {
    const backend: HidBackend = { devicesAsync: async () => LISTED, open: async () => Promise.reject(new Error('unused')) };
    expect((await enumerateFidoDevices(backend)).map((d) => d.path)).toEqual(['/dev/hidraw1']);
    expect(isFidoDevice({ vendorId: 1, productId: 2, usagePage: 0xf1d0, usage: 0x02, path: 'x' })).toBe(false);
  });

  it('puts report id 0 in front of each written report and takes it off a 65-byte read', () => {
    const report = new Uint8Array(64).fill(7);
    expect(withReportId(report)).toEqual([0, ...report]);
    expect(withoutReportId(Uint8Array.from([0, ...report]))).toEqual(report);
    expect(withoutReportId(report)).toEqual(report);
    expect(() => withoutReportId(new Uint8Array(10))).toThrow(/10-byte report/);
  });

  it('turns a failing device into a closed transport with a clear error', async () => {
    const written: number[][] = [];
    const backend: HidBackend = {
      devicesAsync: async () => LISTED,
      open: async () => ({
        write: async (values) => {
          written.push(values as number[]);
          return 65;
        },
        read: async () => Promise.reject(new Error('could not read from HID device')),
        close: async () => undefined,
      }),
    };
    const transport = new NodeHidTransport(LISTED[1]!, backend);
    await transport.open();
    await transport.write(new Uint8Array(64));
    expect(written[0]).toHaveLength(65);
    await expect(transport.read(100)).rejects.toMatchObject({ code: 'closed', message: /could not be read/ });
    expect(transport.isOpen).toBe(false);
    await expect(new NodeHidTransport(LISTED[4]!, backend).open()).rejects.toMatchObject({ code: 'open_failed' });
  });

  it('loads the real node-hid addon and lists the keys attached here (none on a CI machine)', async () => {
    const found = await enumerateFidoDevices();
    expect(Array.isArray(found)).toBe(true);
    expect(found.every(isFidoDevice)).toBe(true);
  });
});
