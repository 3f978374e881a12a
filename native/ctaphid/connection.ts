import { randomBytes } from 'node:crypto';
import { readUint32 } from '../big-endian';
import { TransportError, type Transport } from '../transport/transport';
import { BROADCAST_CID, CtapHidCmd, INIT_NONCE_SIZE, KeepaliveStatus } from './constants';
import { CtapHidError, deviceErrorName } from './errors';
import { MessageAssembler, encodeMessage, parsePacket } from './framing';

export interface CallOptions {
  /** Deadline for the whole call, including the wait for a touch. */
  readonly timeoutMs?: number;
  /** Longest silence tolerated between packets; a working key sends keepalives about every 100 ms. */
  readonly silenceMs?: number;
  /** Told of each keepalive; UPNEEDED means "touch your key". */
  readonly onKeepalive?: (status: KeepaliveStatus) => void;
  /** Aborting sends CTAPHID_CANCEL; the key then answers the pending command with an error. */
  readonly signal?: AbortSignal;
}

export interface DeviceVersion {
  readonly protocol: number;
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_SILENCE_MS = 2_000;
const CANCEL_GRACE_MS = 1_000;

/**
 * One CTAPHID channel to one key: allocates a channel with CTAPHID_INIT, then sends commands
 * and reassembles responses, ignoring other channels' traffic and bounding every wait.
 */
export class CtapHidConnection {
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly transport: Transport,
    readonly cid: number,
    readonly version: DeviceVersion,
    readonly capabilities: number,
  ) {}

  static async open(transport: Transport, options: { timeoutMs?: number; nonce?: Uint8Array } = {}): Promise<CtapHidConnection> {
    const nonce = options.nonce ?? randomBytes(INIT_NONCE_SIZE);
    if (nonce.length !== INIT_NONCE_SIZE) throw new CtapHidError('bad_init', `the INIT nonce is ${INIT_NONCE_SIZE} bytes`);
    if (!transport.isOpen) await wrapTransport(() => transport.open());
    for (const packet of encodeMessage(BROADCAST_CID, CtapHidCmd.INIT, nonce)) await wrapTransport(() => transport.write(packet));
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_SILENCE_MS);
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new CtapHidError('no_answer', `${transport.description} did not answer CTAPHID_INIT`);
      const report = await wrapTransport(() => transport.read(remaining));
      if (!report) continue;
      const packet = parsePacket(report);
      if (packet.kind !== 'init' || packet.cid !== BROADCAST_CID) continue;
      if (packet.cmd === CtapHidCmd.ERROR) throw new CtapHidError('device_error', `INIT failed: ${deviceErrorName(packet.data[0] ?? 0)}`, packet.data[0]);
      if (packet.cmd !== CtapHidCmd.INIT || packet.length < 17) continue;
      const data = packet.data;
      if (!nonce.every((byte, i) => data[i] === byte)) continue; // an answer to someone else's INIT
      const cid = readUint32(data, 8);
      if (cid === 0 || cid === BROADCAST_CID) throw new CtapHidError('bad_init', `the key allocated an invalid channel 0x${cid.toString(16)}`);
      return new CtapHidConnection(transport, cid, { protocol: data[12]!, major: data[13]!, minor: data[14]!, build: data[15]! }, data[16]!);
    }
  }

  /** Sends one command and waits for its response; calls on one connection run one at a time. */
  call(cmd: CtapHidCmd, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.#exchange(cmd, payload, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  ping(data: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    return this.call(CtapHidCmd.PING, data, options);
  }

  cbor(request: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    return this.call(CtapHidCmd.CBOR, request, options);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  async #send(cmd: CtapHidCmd, payload: Uint8Array): Promise<void> {
    const packets = encodeMessage(this.cid, cmd, payload);
    for (let i = 0; i < packets.length; i += 1) await this.transport.write(packets[i]!);
  }

  /**
   * One exchange: drain, send, reassemble. A round trip takes a few dozen microseconds, so the
   * draining and reading stay in this function rather than in nested async helpers, each of which
   * would add its own promises. The transport's errors become this layer's here, once.
   */
  async #exchange(cmd: CtapHidCmd, payload: Uint8Array, options: CallOptions): Promise<Uint8Array> {
    if (options.signal?.aborted) throw new CtapHidError('cancelled', 'the command was cancelled before it was sent');
    const silenceMs = options.silenceMs ?? DEFAULT_SILENCE_MS;
    const wait: Wait = { deadline: Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS), cancelSent: false };
    const unwatch = options.signal ? this.#cancelOnAbort(options.signal, wait) : undefined;
    let message: MessageAssembler | undefined;
    try {
      // Reports left over from an earlier exchange (a duplicated frame, say) must not pass for this one's answer.
      for (let stale = 0; stale < 256 && (await this.transport.read(0)); stale += 1);
      await this.#send(cmd, payload);
      for (;;) {
        const remaining = wait.deadline - Date.now();
        if (remaining <= 0) {
          if (wait.cancelSent) throw new CtapHidError('cancelled', `${this.transport.description} did not confirm the cancel`);
          await this.#send(CtapHidCmd.CANCEL, new Uint8Array(0)).catch(() => undefined);
          throw new CtapHidError('timeout', `${this.transport.description} did not finish within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
        }
        const waited = Math.min(remaining, silenceMs);
        const report = await this.transport.read(waited);
        if (!report) {
          // A read cut short by the deadline ran out the call's time, not the key's patience with
          // silence, even when the clocks disagree by a millisecond about whether the deadline passed.
          if (waited < silenceMs || Date.now() >= wait.deadline) continue;
          throw new CtapHidError('no_answer', `${this.transport.description} went silent for ${silenceMs} ms`);
        }
        const packet = parsePacket(report);
        if (packet.cid !== this.cid) continue; // another channel's traffic
        if (packet.kind === 'cont') {
          if (!message) throw new CtapHidError('bad_packet', `continuation packet ${packet.seq} arrived before any init packet`);
          message.add(packet);
        } else {
          if (message) throw new CtapHidError('bad_packet', `a new init packet (command 0x${packet.cmd.toString(16)}) interrupted a response`);
          if (packet.cmd === CtapHidCmd.KEEPALIVE) {
            options.onKeepalive?.(packet.byte(0) as KeepaliveStatus);
            continue;
          }
          if (packet.cmd === CtapHidCmd.ERROR) {
            const code = packet.byte(0);
            throw new CtapHidError('device_error', `${this.transport.description} answered ${deviceErrorName(code)}`, code);
          }
          if (packet.cmd !== cmd) throw new CtapHidError('unexpected_command', `expected a response to command 0x${cmd.toString(16)}, got 0x${packet.cmd.toString(16)}`);
          message = new MessageAssembler(packet);
        }
        if (message.complete) return message.payload;
      }
    } catch (error) {
      if (error instanceof TransportError) throw new CtapHidError('transport', error.message);
      throw error;
    } finally {
      unwatch?.();
    }
  }

  /** Aborting sends CTAPHID_CANCEL once and gives the key a short grace to confirm it. */
  #cancelOnAbort(signal: AbortSignal, wait: Wait): () => void {
    const onAbort = () => {
      if (wait.cancelSent) return;
      wait.cancelSent = true;
      wait.deadline = Math.min(wait.deadline, Date.now() + CANCEL_GRACE_MS);
      this.#send(CtapHidCmd.CANCEL, new Uint8Array(0)).catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
}

/** How long an exchange may still wait, and whether it has already asked the key to cancel. */
interface Wait {
  deadline: number;
  cancelSent: boolean;
}

async function wrapTransport<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof TransportError) throw new CtapHidError('transport', error.message);
    throw error;
  }
}
