import { describe, expect, it, afterEach, vi } from 'vitest';
import { Cancellation, SoftwareCtap2Engine, newAuthenticatorState } from '../authenticator/ctap2-engine';
import { SoftwareAuthenticator, type Misbehaviour } from '../authenticator/software-authenticator';
import { CtapStatus } from '../ctap2/constants';
import { Ctap2 } from '../ctap2/ctap2';
import { encodeMakeCredential } from '../ctap2/requests';
import { CtapError, CtapResponseError } from '../ctap2/errors';
import { MemoryTransport } from '../transport/memory';
import { CtapHidConnection } from './connection';
import { BROADCAST_CID, CtapHidCmd, MAX_MESSAGE_SIZE } from './constants';
import { CtapHidError } from './errors';
import { MessageAssembler, encodeMessage, parsePacket } from './framing';

const keys: SoftwareAuthenticator[] = [];
afterEach(() => keys.splice(0).forEach((k) => k.unplug()));

async function open(key = new SoftwareAuthenticator({ keepaliveIntervalMs: 10 })) {
  keys.push(key);
  const transport = new MemoryTransport(key);
  await transport.open();
  const connection = await CtapHidConnection.open(transport);
  return { key, transport, connection, ctap2: new Ctap2(connection) };
}

const FAST = { timeoutMs: 400, silenceMs: 150 };

describe('CTAPHID framing', () => {
  it('splits and reassembles a message with sequence numbers 0..n', () => {
    const payload = new Uint8Array(200).map((_, i) => i);
    const packets = encodeMessage(0x01020304, CtapHidCmd.CBOR, payload);
    expect(packets).toHaveLength(1 + Math.ceil((200 - 57) / 59));
    const first = parsePacket(packets[0]!);
    expect(first).toMatchObject({ kind: 'init', cid: 0x01020304, cmd: CtapHidCmd.CBOR, length: 200 });
    const assembler = new MessageAssembler(first as Extract<typeof first, { kind: 'init' }>);
    packets.slice(1).forEach((p, i) => {
      const cont = parsePacket(p);
      expect(cont).toMatchObject({ kind: 'cont', seq: i });
      assembler.add(cont as Extract<typeof cont, { kind: 'cont' }>);
    });
    expect(assembler.complete).toBe(true);
    expect(Buffer.from(assembler.payload)).toEqual(Buffer.from(payload));
  });

  it('refuses an out-of-order continuation, an oversize message and a short report', () => {
    const packets = encodeMessage(7, CtapHidCmd.CBOR, new Uint8Array(300));
    const assembler = new MessageAssembler(parsePacket(packets[0]!) as never);
    expect(() => assembler.add(parsePacket(packets[2]!) as never)).toThrow(/continuation packet 1 arrived where 0 was expected/);
    expect(() => encodeMessage(7, CtapHidCmd.CBOR, new Uint8Array(MAX_MESSAGE_SIZE + 1))).toThrow(CtapHidError);
    expect(() => parsePacket(new Uint8Array(63))).toThrow(/64 bytes, not 63/);
    const oversize = encodeMessage(7, CtapHidCmd.CBOR, new Uint8Array(10));
    new DataView(oversize[0]!.buffer).setUint16(5, MAX_MESSAGE_SIZE + 1);
    expect(() => new MessageAssembler(parsePacket(oversize[0]!) as never)).toThrow(/exceeds the largest/);
  });

  it('ignores INIT answers meant for another nonce and packets on other channels', async () => {
    const key = new SoftwareAuthenticator();
    keys.push(key);
    const transport = new MemoryTransport(key);
    await transport.open();
    // Someone else's INIT answer arrives first on the broadcast channel.
    const stray = encodeMessage(BROADCAST_CID, CtapHidCmd.INIT, new Uint8Array(17).fill(0xee));
    const realRead = transport.read.bind(transport);
    let injected = false;
    transport.read = async (timeout) => {
      if (!injected) {
        injected = true;
        return stray[0];
      }
      return realRead(timeout);
    };
    const connection = await CtapHidConnection.open(transport);
    expect(connection.cid).not.toBe(0xeeeeeeee);
  });
});

describe('a misbehaving key ends in a typed error within its timeout', () => {
  const cases: [Misbehaviour, RegExp][] = [
    ['drop-frame', /went silent|did not finish/],
    ['wrong-channel', /went silent|did not finish/],
    ['stall', /went silent|did not finish/],
    ['endless-keepalive', /did not finish within 400 ms/],
    ['trailing-bytes', /invalid CBOR/],
    ['unplug-mid-command', /unplugged/],
  ];
  it.each(cases)('%s', async (misbehaviour, message) => {
    const { key, ctap2 } = await open();
    key.misbehaviour = misbehaviour;
    const started = Date.now();
    const error = await ctap2.getInfo(FAST).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect([CtapHidError, CtapError, CtapResponseError].some((type) => error instanceof type)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect(Date.now() - started).toBeLessThan(FAST.timeoutMs + 300);
  });

  it('non-canonical-cbor is read, not refused, and the departure is noted', async () => {
    const { key, ctap2 } = await open();
    key.misbehaviour = 'non-canonical-cbor';
    expect((await ctap2.getInfo(FAST)).versions).toContain('FIDO_2_1');
    expect(ctap2.encodingNotes).toEqual(['getInfo: integers or lengths not in their shortest form']);
  });

  it('garbage', async () => {
    for (let round = 0; round < 20; round += 1) {
      const { key, ctap2 } = await open();
      key.misbehaviour = 'garbage';
      const error = await ctap2.getInfo(FAST).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([CtapHidError, CtapError, CtapResponseError].some((type) => error instanceof type), String(error)).toBe(true);
    }
  });

  it('duplicate-frames: a duplicate never passes for the next answer, and a torn message is an error', async () => {
    const { key, ctap2, connection } = await open();
    key.misbehaviour = 'duplicate-frames';
    // Single-packet answers: the copy is drained before the next command is sent.
    expect((await ctap2.getPinRetries(FAST)).pinRetries).toBe(8);
    key.state.pinRetries = 7;
    expect((await ctap2.getPinRetries(FAST)).pinRetries).toBe(7);
    expect(Buffer.from(await connection.ping(Uint8Array.of(1, 2, 3), FAST))).toEqual(Buffer.from([1, 2, 3]));
    // A multi-packet answer repeats its init packet in the middle: refused, not guessed at.
    await expect(ctap2.getInfo(FAST)).rejects.toMatchObject({ kind: 'bad_packet' });
    key.misbehaviour = undefined;
    expect((await ctap2.getInfo(FAST)).versions).toContain('FIDO_2_1');
  });

  it('a key that never answers INIT', async () => {
    const key = new SoftwareAuthenticator();
    keys.push(key);
    key.receiveReport = () => undefined;
    const transport = new MemoryTransport(key);
    await transport.open();
    await expect(CtapHidConnection.open(transport, { timeoutMs: 100 })).rejects.toMatchObject({ kind: 'no_answer' });
  });

  it('answers on a busy channel and for an unknown command with CTAPHID errors', async () => {
    const { connection } = await open();
    await expect(connection.call(0x33 as CtapHidCmd, new Uint8Array(0), FAST)).rejects.toMatchObject({ kind: 'device_error', message: /ERR_INVALID_CMD/ });
  });
});

describe('commands that need no touch', () => {
  it('getInfo, getPINRetries and getUVRetries end within 5 s of a key that only says "processing"; the wait for a touch stays 30 s', async () => {
    const { key, ctap2 } = await open();
    key.state.uvRetries = 3;
    key.misbehaviour = 'endless-keepalive';
    vi.useFakeTimers();
    try {
      const pending = Symbol('pending');
      const settle = (promise: Promise<unknown>) => promise.then(() => 'answered', (error: unknown) => error);
      const now = async (promise: Promise<unknown>) => Promise.race([promise, Promise.resolve(pending)]);
      const commands: (() => Promise<unknown>)[] = [() => ctap2.getInfo(), () => ctap2.getPinRetries(), () => ctap2.getUvRetries()];
      for (const command of commands) {
        const outcome = settle(command());
        await vi.advanceTimersByTimeAsync(4_900);
        expect(await now(outcome)).toBe(pending);
        await vi.advanceTimersByTimeAsync(200);
        expect(await now(outcome)).toMatchObject({ kind: 'timeout', message: /did not finish within 5000 ms/ });
      }
      const touch = settle(ctap2.makeCredential({ clientDataHash: new Uint8Array(32), rp: { id: 'keyward.local' }, user: { id: Uint8Array.of(1) } }));
      await vi.advanceTimersByTimeAsync(29_000);
      expect(await now(touch)).toBe(pending);
      await vi.advanceTimersByTimeAsync(1_200);
      expect(await now(touch)).toMatchObject({ kind: 'timeout', message: /did not finish within 30000 ms/ });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('unplugging', () => {
  it('in the middle of a command ends it with a transport error, and later calls fail at once', async () => {
    const { key, ctap2 } = await open(new SoftwareAuthenticator({ presence: () => new Promise(() => undefined), keepaliveIntervalMs: 10 }));
    const pending = ctap2.makeCredential({ clientDataHash: new Uint8Array(32), rp: { id: 'keyward.local' }, user: { id: Uint8Array.of(1) } }, { onKeepalive: () => key.unplug() });
    await expect(pending).rejects.toMatchObject({ kind: 'transport', message: /unplugged/ });
    await expect(ctap2.getInfo()).rejects.toMatchObject({ kind: 'transport' });
  });
});

describe('no wait outlives what it waits for', () => {
  const makeCredential = encodeMakeCredential({ clientDataHash: new Uint8Array(32), rp: { id: 'keyward.local' }, user: { id: Uint8Array.of(1) } });
  const never = () => new Promise<never>(() => undefined);

  it('a cancel that comes before the key starts waiting for a touch still ends the wait', async () => {
    const engine = new SoftwareCtap2Engine(newAuthenticatorState(), never);
    const cancellation = new Cancellation();
    // The engine has asked for the touch but not yet listened for a cancel when this one arrives.
    const answer = engine.handle(makeCredential, { cancellation, waitingForTouch: () => undefined });
    cancellation.cancel();
    const late = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000));
    expect(await Promise.race([answer, late])).toEqual(Uint8Array.of(CtapStatus.KEEPALIVE_CANCEL));
  });

  it('a key unplugged before it starts beating never starts, and a replaced command stops beating', async () => {
    vi.useFakeTimers();
    try {
      const key = new SoftwareAuthenticator({ presence: never, keepaliveIntervalMs: 10 });
      const sent: Uint8Array[] = [];
      key.attach({ send: (report) => sent.push(report), unplug: () => undefined });
      const deliver = (cid: number, cmd: CtapHidCmd, payload: Uint8Array) => encodeMessage(cid, cmd, payload).forEach((packet) => key.receiveReport(packet));
      deliver(BROADCAST_CID, CtapHidCmd.INIT, new Uint8Array(8));
      const cid = new DataView(sent[0]!.buffer, sent[0]!.byteOffset).getUint32(15);

      // A command that waits for a touch beats; a newer command on its channel ends those beats.
      deliver(cid, CtapHidCmd.CBOR, makeCredential);
      await vi.advanceTimersByTimeAsync(50);
      expect(vi.getTimerCount()).toBe(1);
      deliver(cid, CtapHidCmd.CBOR, makeCredential);
      await vi.advanceTimersByTimeAsync(50);
      expect(vi.getTimerCount()).toBe(1);

      // Unplugged while the command is on its way to its wait: nothing may start beating after.
      key.unplug();
      deliver(cid, CtapHidCmd.CBOR, makeCredential);
      await vi.advanceTimersByTimeAsync(50);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a second read while one waits, instead of leaving the first waiting forever', async () => {
    const transport = new MemoryTransport({ attach: () => undefined, receiveReport: () => undefined });
    await transport.open();
    const first = transport.read(5_000);
    await expect(transport.read(5_000)).rejects.toMatchObject({ code: 'read_failed' });
    await transport.close();
    await expect(first).rejects.toMatchObject({ code: 'closed' });
  });
});
