import { randomBytes } from 'node:crypto';
import { BROADCAST_CID, Capability, CtapHidCmd, CtapHidErrorCode, INIT_NONCE_SIZE, KeepaliveStatus } from '../ctaphid/constants';
import { CtapHidError } from '../ctaphid/errors';
import { MessageAssembler, encodeMessage, parsePacket } from '../ctaphid/framing';
import type { HidEndpoint } from '../transport/memory';
import { Cancellation, SoftwareCtap2Engine, newAuthenticatorState, type PresenceAnswer, type SoftwareAuthenticatorState } from './ctap2-engine';

interface Busy {
  readonly cid: number;
  readonly cancellation: Cancellation;
  keepalive?: ReturnType<typeof setInterval>;
  /** Answered, replaced by a newer command on its channel, or unplugged: it sends nothing more. */
  over: boolean;
}

/** Ways the software key can be told to misbehave, one at a time, to test the host's defences. */
export type Misbehaviour =
  | 'drop-frame' // drops the last packet of each response
  | 'duplicate-frames' // sends every packet twice
  | 'wrong-channel' // answers on a channel the host did not allocate
  | 'garbage' // answers with random bytes
  | 'stall' // never answers a CBOR command
  | 'endless-keepalive' // sends PROCESSING keepalives forever instead of an answer
  | 'non-canonical-cbor' // answers with a non-minimal integer in the CBOR
  | 'trailing-bytes' // answers with a byte after the CBOR item
  | 'unplug-mid-command'; // disappears after receiving a CBOR command

export interface SoftwareAuthenticatorOptions {
  readonly state?: SoftwareAuthenticatorState;
  /** Decides what happens when the key waits for a touch; by default it is touched at once. */
  readonly presence?: () => Promise<PresenceAnswer>;
  readonly keepaliveIntervalMs?: number;
}

/**
 * A FIDO2 key in software that speaks real CTAPHID frames and real CTAP2 CBOR over a HID
 * endpoint: for tests and for drills, never a stand-in for a real key in a real check.
 */
export class SoftwareAuthenticator implements HidEndpoint {
  readonly engine: SoftwareCtap2Engine;
  misbehaviour: Misbehaviour | undefined;
  #link: { send(report: Uint8Array): void; unplug(): void } | undefined;
  readonly #channels = new Set<number>();
  readonly #assemblers = new Map<number, MessageAssembler>();
  #busy: Busy | undefined;
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  #unplugged = false;
  readonly #keepaliveMs: number;

  constructor(options: SoftwareAuthenticatorOptions = {}) {
    this.engine = new SoftwareCtap2Engine(options.state ?? newAuthenticatorState(), options.presence ?? (async () => 'touched'));
    this.#keepaliveMs = options.keepaliveIntervalMs ?? 100;
  }

  get state(): SoftwareAuthenticatorState {
    return this.engine.state;
  }

  attach(link: { send(report: Uint8Array): void; unplug(): void }): void {
    this.#link = link;
  }

  /** Pulls the key out of the port: pending work stops, the host's reads fail. */
  unplug(): void {
    if (this.#unplugged) return;
    this.#unplugged = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    if (this.#busy) this.#end(this.#busy);
    this.#link?.unplug();
  }

  receiveReport(report: Uint8Array): void {
    if (this.#unplugged) return;
    let packet;
    try {
      packet = parsePacket(report);
    } catch {
      return;
    }
    if (packet.kind === 'init') {
      if (packet.cmd === CtapHidCmd.INIT) return this.#init(packet.cid, packet.data.subarray(0, packet.length));
      if (packet.cid === BROADCAST_CID || !this.#channels.has(packet.cid)) return this.#error(packet.cid, CtapHidErrorCode.INVALID_CHANNEL);
      if (packet.cmd === CtapHidCmd.CANCEL) {
        if (this.#busy?.cid === packet.cid) this.#busy.cancellation.cancel();
        return;
      }
      if (this.#busy && this.#busy.cid !== packet.cid) return this.#error(packet.cid, CtapHidErrorCode.CHANNEL_BUSY);
      let assembler: MessageAssembler;
      try {
        assembler = new MessageAssembler(packet);
      } catch {
        return this.#error(packet.cid, CtapHidErrorCode.INVALID_LEN);
      }
      this.#assemblers.set(packet.cid, assembler);
      if (assembler.complete) this.#dispatch(assembler);
      return;
    }
    const assembler = this.#assemblers.get(packet.cid);
    if (!assembler) return; // a stray continuation packet is ignored, as the spec allows
    try {
      assembler.add(packet);
    } catch (error) {
      this.#assemblers.delete(packet.cid);
      return this.#error(packet.cid, error instanceof CtapHidError && error.kind === 'bad_sequence' ? CtapHidErrorCode.INVALID_SEQ : CtapHidErrorCode.OTHER);
    }
    if (assembler.complete) this.#dispatch(assembler);
  }

  #init(cid: number, nonce: Uint8Array): void {
    if (nonce.length !== INIT_NONCE_SIZE) return this.#error(cid, CtapHidErrorCode.INVALID_LEN);
    let allocated = cid;
    if (cid === BROADCAST_CID) {
      do allocated = randomBytes(4).readUInt32BE(0);
      while (allocated === 0 || allocated === BROADCAST_CID || this.#channels.has(allocated));
      this.#channels.add(allocated);
    }
    const payload = new Uint8Array(17);
    payload.set(nonce, 0);
    new DataView(payload.buffer).setUint32(8, allocated);
    payload.set([2, 5, 7, 4, Capability.WINK | Capability.CBOR | Capability.NMSG], 12);
    this.#send(cid, CtapHidCmd.INIT, payload);
  }

  #dispatch(message: MessageAssembler): void {
    this.#assemblers.delete(message.cid);
    const { cid, cmd, payload } = message;
    if (cmd === CtapHidCmd.PING) return this.#send(cid, cmd, payload);
    if (cmd === CtapHidCmd.WINK) return this.#send(cid, cmd, new Uint8Array(0));
    if (cmd !== CtapHidCmd.CBOR) return this.#error(cid, CtapHidErrorCode.INVALID_CMD);
    void this.#cbor(cid, payload);
  }

  async #cbor(cid: number, request: Uint8Array): Promise<void> {
    // A command on the busy channel replaces the one its host gave up on (a stalled one, or one
    // whose cancel came too late): that one is cancelled and stops beating, and its late answer
    // is never sent, where it could pass for this command's.
    if (this.#busy) this.#end(this.#busy);
    const busy: Busy = { cid, cancellation: new Cancellation(), over: false };
    this.#busy = busy;
    switch (this.misbehaviour) {
      case 'unplug-mid-command':
        return this.unplug();
      case 'stall':
        return; // busy, silent, until a newer command or the unplug
      case 'endless-keepalive':
        return this.#keepalive(busy, KeepaliveStatus.PROCESSING);
    }
    try {
      const response = await this.engine.handle(request, {
        cancellation: busy.cancellation,
        waitingForTouch: () => this.#keepalive(busy, KeepaliveStatus.UPNEEDED),
      });
      if (!busy.over && !this.#unplugged) this.#send(cid, CtapHidCmd.CBOR, this.#tamper(response));
    } finally {
      this.#end(busy);
    }
  }

  /** The command is over: its wait for a touch is cancelled, its keepalives stop and the channel is free. */
  #end(busy: Busy): void {
    busy.over = true;
    busy.cancellation.cancel();
    this.#stopKeepalive(busy);
    if (this.#busy === busy) this.#busy = undefined;
  }

  /**
   * Keepalives start one tick after the wait begins and repeat every interval, as a key does
   * while it blinks for a touch; a touch that comes at once (a drill) needs none. They never
   * outlive their command, and they never hold the process open: the host's read does that
   * while it waits, and a key nobody waits for must not keep a process alive.
   */
  #keepalive(busy: Busy, status: KeepaliveStatus): void {
    this.#stopKeepalive(busy);
    if (busy.over || this.#unplugged) return;
    const beat = () => this.#send(busy.cid, CtapHidCmd.KEEPALIVE, Uint8Array.of(status));
    const first = setTimeout(() => {
      this.#timers.delete(first);
      if (busy.keepalive !== first || busy.over || this.#unplugged) return;
      beat();
      busy.keepalive = setInterval(beat, this.#keepaliveMs).unref();
      this.#timers.add(busy.keepalive);
    }, 0).unref();
    busy.keepalive = first;
    this.#timers.add(first);
  }

  #stopKeepalive(busy: { keepalive?: ReturnType<typeof setInterval> }): void {
    if (!busy.keepalive) return;
    clearInterval(busy.keepalive);
    clearTimeout(busy.keepalive);
    this.#timers.delete(busy.keepalive);
    busy.keepalive = undefined;
  }

  /** Applies the response-level misbehaviours to a CTAP2 response (status byte + CBOR). */
  #tamper(response: Uint8Array): Uint8Array {
    if (response.length < 3) return response;
    if (this.misbehaviour === 'trailing-bytes') return Uint8Array.from([...response, 0x00]);
    // The first map key is a small unsigned integer; writing it as 0x18 nn is valid CBOR but not minimal.
    if (this.misbehaviour === 'non-canonical-cbor' && response[2]! < 0x18) return Uint8Array.from([...response.subarray(0, 2), 0x18, response[2]!, ...response.subarray(3)]);
    return response;
  }

  #error(cid: number, code: CtapHidErrorCode): void {
    this.#send(cid, CtapHidCmd.ERROR, Uint8Array.of(code));
  }

  #send(cid: number, cmd: CtapHidCmd, payload: Uint8Array): void {
    if (this.#unplugged || !this.#link) return;
    const packets = encodeMessage(this.misbehaviour === 'wrong-channel' && cid !== BROADCAST_CID ? (cid ^ 0x01) >>> 0 : cid, cmd, payload);
    if (this.misbehaviour === 'drop-frame' && cmd !== CtapHidCmd.INIT && cmd !== CtapHidCmd.KEEPALIVE) packets.pop();
    for (const packet of packets) {
      const out = this.misbehaviour === 'garbage' && cmd !== CtapHidCmd.INIT ? garble(packet) : packet;
      this.#link.send(out);
      if (this.misbehaviour === 'duplicate-frames') this.#link.send(out);
    }
  }
}

/** Keeps the channel id, so the host reads it, and replaces everything after it with noise. */
function garble(packet: Uint8Array): Uint8Array {
  const out = Uint8Array.from(packet);
  out.set(randomBytes(60), 4);
  return out;
}
