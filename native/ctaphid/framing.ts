import { HID_REPORT_SIZE } from '../transport/transport';
import { CONT_DATA_SIZE, INIT_DATA_SIZE, MAX_MESSAGE_SIZE, TYPE_INIT } from './constants';
import { CtapHidError } from './errors';

export type Packet =
  | { readonly kind: 'init'; readonly cid: number; readonly cmd: number; readonly length: number; readonly data: Uint8Array }
  | { readonly kind: 'cont'; readonly cid: number; readonly seq: number; readonly data: Uint8Array };

/** Splits a message into one init packet and as many continuation packets as it needs. */
export function encodeMessage(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  if (payload.length > MAX_MESSAGE_SIZE) throw new CtapHidError('message_too_long', `a CTAPHID message holds at most ${MAX_MESSAGE_SIZE} bytes, not ${payload.length}`);
  const packets: Uint8Array[] = [];
  const first = new Uint8Array(HID_REPORT_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid >>> 0);
  first[4] = TYPE_INIT | (cmd & 0x7f);
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, INIT_DATA_SIZE), 7);
  packets.push(first);
  for (let offset = INIT_DATA_SIZE, seq = 0; offset < payload.length; offset += CONT_DATA_SIZE, seq += 1) {
    const packet = new Uint8Array(HID_REPORT_SIZE);
    new DataView(packet.buffer).setUint32(0, cid >>> 0);
    packet[4] = seq;
    packet.set(payload.subarray(offset, offset + CONT_DATA_SIZE), 5);
    packets.push(packet);
  }
  return packets;
}

export function parsePacket(report: Uint8Array): Packet {
  if (report.length !== HID_REPORT_SIZE) throw new CtapHidError('bad_packet', `a CTAPHID packet is ${HID_REPORT_SIZE} bytes, not ${report.length}`);
  const cid = ((report[0]! << 24) | (report[1]! << 16) | (report[2]! << 8) | report[3]!) >>> 0;
  const type = report[4]!;
  if (type & TYPE_INIT) {
    return { kind: 'init', cid, cmd: type & 0x7f, length: (report[5]! << 8) | report[6]!, data: report.subarray(7) };
  }
  return { kind: 'cont', cid, seq: type, data: report.subarray(5) };
}

/** Reassembles one message from an init packet and its continuation packets, in order. */
export class MessageAssembler {
  readonly cid: number;
  readonly cmd: number;
  readonly length: number;
  readonly #buffer: Uint8Array;
  #filled: number;
  #nextSeq = 0;

  constructor(init: Extract<Packet, { kind: 'init' }>) {
    if (init.length > MAX_MESSAGE_SIZE) throw new CtapHidError('bad_packet', `declared length ${init.length} exceeds the largest CTAPHID message (${MAX_MESSAGE_SIZE})`);
    this.cid = init.cid;
    this.cmd = init.cmd;
    this.length = init.length;
    this.#buffer = new Uint8Array(init.length);
    this.#filled = Math.min(init.length, INIT_DATA_SIZE);
    this.#buffer.set(init.data.subarray(0, this.#filled));
  }

  get complete(): boolean {
    return this.#filled >= this.length;
  }

  /** Adds the next continuation packet; a wrong sequence number is an error, never a guess. */
  add(packet: Extract<Packet, { kind: 'cont' }>): void {
    if (this.complete) throw new CtapHidError('bad_packet', 'a continuation packet arrived after the message was complete');
    if (packet.seq !== this.#nextSeq) throw new CtapHidError('bad_sequence', `continuation packet ${packet.seq} arrived where ${this.#nextSeq} was expected`);
    const take = Math.min(this.length - this.#filled, CONT_DATA_SIZE);
    this.#buffer.set(packet.data.subarray(0, take), this.#filled);
    this.#filled += take;
    this.#nextSeq += 1;
  }

  get payload(): Uint8Array {
    return this.#buffer;
  }
}
