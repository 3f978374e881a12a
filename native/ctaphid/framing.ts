import { readUint16, readUint32, writeUint32 } from '../big-endian';
import { HID_REPORT_SIZE } from '../transport/transport';
import { CONT_DATA_SIZE, INIT_DATA_SIZE, MAX_MESSAGE_SIZE, TYPE_INIT } from './constants';
import { CtapHidError } from './errors';

// Reports are 64 bytes, which V8 keeps on its heap; taking a view of one (subarray, DataView)
// would first move it off the heap, a cost larger than all the framing work together. So
// packets keep their report and an offset, and bytes are copied with plain indexing.
const INIT_HEADER = HID_REPORT_SIZE - INIT_DATA_SIZE;
const CONT_HEADER = HID_REPORT_SIZE - CONT_DATA_SIZE;

/** An initialisation packet: channel, command, the message's whole length and its first bytes. */
export class InitPacket {
  readonly kind = 'init';
  constructor(
    readonly cid: number,
    readonly cmd: number,
    readonly length: number,
    readonly report: Uint8Array,
  ) {}

  /** The packet's payload bytes (a view: for the rare paths that need one). */
  get data(): Uint8Array {
    return this.report.subarray(INIT_HEADER);
  }

  /** Payload byte i, without taking a view. */
  byte(i: number): number {
    return this.report[INIT_HEADER + i] ?? 0;
  }
}

/** A continuation packet: channel, sequence number and the next bytes of the message. */
export class ContPacket {
  readonly kind = 'cont';
  constructor(
    readonly cid: number,
    readonly seq: number,
    readonly report: Uint8Array,
  ) {}

  get data(): Uint8Array {
    return this.report.subarray(CONT_HEADER);
  }
}

export type Packet = InitPacket | ContPacket;

function packetFor(cid: number, typeByte: number): Uint8Array {
  const packet = new Uint8Array(HID_REPORT_SIZE);
  writeUint32(packet, 0, cid);
  packet[4] = typeByte;
  return packet;
}

/** Splits a message into one init packet and as many continuation packets as it needs. */
export function encodeMessage(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  if (payload.length > MAX_MESSAGE_SIZE) throw new CtapHidError('message_too_long', `a CTAPHID message holds at most ${MAX_MESSAGE_SIZE} bytes, not ${payload.length}`);
  const first = packetFor(cid, TYPE_INIT | (cmd & 0x7f));
  first[5] = payload.length >>> 8;
  first[6] = payload.length & 0xff;
  const firstEnd = Math.min(payload.length, INIT_DATA_SIZE);
  for (let i = 0; i < firstEnd; i += 1) first[INIT_HEADER + i] = payload[i]!;
  const packets = [first];
  for (let offset = INIT_DATA_SIZE, seq = 0; offset < payload.length; offset += CONT_DATA_SIZE, seq += 1) {
    const packet = packetFor(cid, seq);
    const end = Math.min(payload.length - offset, CONT_DATA_SIZE);
    for (let i = 0; i < end; i += 1) packet[CONT_HEADER + i] = payload[offset + i]!;
    packets.push(packet);
  }
  return packets;
}

export function parsePacket(report: Uint8Array): Packet {
  if (report.length !== HID_REPORT_SIZE) throw new CtapHidError('bad_packet', `a CTAPHID packet is ${HID_REPORT_SIZE} bytes, not ${report.length}`);
  const cid = readUint32(report, 0);
  const type = report[4]!;
  if (type & TYPE_INIT) return new InitPacket(cid, type & 0x7f, readUint16(report, 5), report);
  return new ContPacket(cid, type, report);
}

/** Reassembles one message from an init packet and its continuation packets, in order. */
export class MessageAssembler {
  readonly cid: number;
  readonly cmd: number;
  readonly length: number;
  readonly #buffer: Uint8Array;
  #filled: number;
  #nextSeq = 0;

  constructor(init: InitPacket) {
    if (init.length > MAX_MESSAGE_SIZE) throw new CtapHidError('bad_packet', `declared length ${init.length} exceeds the largest CTAPHID message (${MAX_MESSAGE_SIZE})`);
    this.cid = init.cid;
    this.cmd = init.cmd;
    this.length = init.length;
    this.#buffer = new Uint8Array(init.length);
    this.#filled = Math.min(init.length, INIT_DATA_SIZE);
    const report = init.report;
    for (let i = 0; i < this.#filled; i += 1) this.#buffer[i] = report[INIT_HEADER + i]!;
  }

  get complete(): boolean {
    return this.#filled >= this.length;
  }

  /** Adds the next continuation packet; a wrong sequence number is an error, never a guess. */
  add(packet: ContPacket): void {
    if (this.complete) throw new CtapHidError('bad_packet', 'a continuation packet arrived after the message was complete');
    if (packet.seq !== this.#nextSeq) throw new CtapHidError('bad_sequence', `continuation packet ${packet.seq} arrived where ${this.#nextSeq} was expected`);
    const take = Math.min(this.length - this.#filled, CONT_DATA_SIZE);
    const report = packet.report;
    const buffer = this.#buffer;
    const at = this.#filled;
    for (let i = 0; i < take; i += 1) buffer[at + i] = report[CONT_HEADER + i]!;
    this.#filled += take;
    this.#nextSeq += 1;
  }

  get payload(): Uint8Array {
    if (!this.complete) throw new CtapHidError('bad_packet', `the message is incomplete: ${this.#filled} of ${this.length} bytes`);
    return this.#buffer;
  }
}
