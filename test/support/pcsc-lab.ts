import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { ApduResponder } from '../../native/pcsc/readers';
import { openPcscReaders } from '../../native/pcsc/pcsclite-readers';
import { endChild, ended, killAfter } from './children';

/** vpcd's two virtual readers listen here (vsmartcard-vpcd's /etc/reader.conf.d/vpcd). */
export const VPCD_PORTS = [35963, 35964] as const;
export const VPCD_READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;

const running = () => spawnSync('pidof', ['pcscd'], killAfter(10_000)).status === 0;

/** Why a real PC/SC stack cannot run here, or undefined when it can. */
export function pcscUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the PC/SC test stack (pcscd + vpcd) is set up for Linux';
  if (spawnSync('sh', ['-c', 'command -v pcscd'], killAfter(10_000)).status !== 0) return 'pcscd is not installed (apt-get install pcscd)';
  if (!existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so') && !existsSync('/etc/reader.conf.d/vpcd')) return 'the virtual reader is not installed (apt-get install vsmartcard-vpcd)';
  return undefined;
}

/**
 * Starts pcscd with vpcd's virtual readers, unless one already runs. Returns a stop function
 * that ends only the pcscd this call started (SIGTERM, then SIGKILL if it lingers); a pcscd that
 * does not come up in time is ended before the error is thrown.
 */
export async function startPcscd(): Promise<{ stop: () => Promise<void>; started: boolean }> {
  if (running()) return { stop: async () => undefined, started: false };
  mkdirSync('/run/pcscd', { recursive: true });
  const child: ChildProcess = spawn('pcscd', ['--foreground'], { stdio: 'ignore' });
  const stop = () => endChild(child);
  try {
    const started = Date.now();
    while (!existsSync('/run/pcscd/pcscd.comm')) {
      if (ended(child)) throw new Error(`pcscd exited at start with ${child.exitCode ?? child.signalCode}`);
      if (Date.now() - started > 10_000) throw new Error('pcscd did not create its socket within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  } catch (error) {
    await stop();
    throw error;
  }
  return { started: true, stop };
}

/**
 * A card in one of vpcd's virtual readers: connects to vpcd over TCP and answers what pcscd
 * sends, in vpcd's framing (two-byte big-endian length, then a control byte or an APDU).
 */
export class VpcdCard {
  private buffered = Buffer.alloc(0);
  private answered = 0;
  private removeAfterCommands?: number;
  readonly commands: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly card: ApduResponder,
    private readonly port: number,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => undefined);
  }

  static async insert(card: ApduResponder, port: number = VPCD_PORTS[0]): Promise<VpcdCard> {
    // A card that pulled itself out mid-read may not be noticed yet: the reader must be empty first.
    await readerShows(port, false);
    const socket = connect(port, '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`vpcd did not accept a card on port ${port} within 5 s`)), 5_000);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } catch (error) {
      socket.destroy();
      throw error;
    }
    socket.setNoDelay(true);
    const inserted = new VpcdCard(socket, card, port);
    // pcscd polls the virtual reader: wait until it reports the card, however long a loaded machine takes.
    await readerShows(port, true);
    return inserted;
  }

  /** Pulls the card out after it has answered `commands` more APDUs. */
  removeAfter(commands: number): void {
    this.removeAfterCommands = this.answered + commands;
  }

  async remove(): Promise<void> {
    if (this.socket.destroyed) return;
    this.socket.destroy();
    await readerShows(this.port, false);
  }

  private send(payload: Uint8Array): void {
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length);
    this.socket.write(Buffer.concat([header, payload]));
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (this.buffered.length < 2 + length) return;
      const message = this.buffered.subarray(2, 2 + length);
      this.buffered = this.buffered.subarray(2 + length);
      if (length === 1) {
        // 0 power off, 1 power on, 2 reset, 4 get ATR.
        if (message[0] === 4) this.send(this.card.atr);
        continue;
      }
      if (this.removeAfterCommands !== undefined && this.answered >= this.removeAfterCommands) {
        this.socket.destroy();
        return;
      }
      this.commands.push(Buffer.from(message).toString('hex').toUpperCase());
      this.answered++;
      this.send(this.card.respond(new Uint8Array(message)));
    }
  }
}

/**
 * Waits until pcscd reports the reader behind `port` with a card in it (or empty), as the app
 * would see it: a fixed pause was too short on a loaded machine. Bounded: 15 s.
 */
async function readerShows(port: number, cardPresent: boolean): Promise<void> {
  const reader = VPCD_READERS[VPCD_PORTS.indexOf(port as (typeof VPCD_PORTS)[number])];
  const readers = await openPcscReaders({ settleMs: 100 });
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const status = (await readers.list()).find((r) => r.name === reader);
      if (status && status.cardPresent === cardPresent) break;
      if (Date.now() > deadline) throw new Error(`pcscd did not report ${reader} ${cardPresent ? 'with' : 'without'} a card within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await readers.close();
  }
  // Let pcscd finish powering the card up (or down) before the app asks.
  await new Promise((resolve) => setTimeout(resolve, 150));
}
