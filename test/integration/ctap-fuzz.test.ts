import { createHash } from 'node:crypto';
import { seededRandom } from '../support/random';
import { describe, expect, it, vi } from 'vitest';
import { Cancellation, SoftwareCtap2Engine, newAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import { parseAuthenticatorData } from '../../native/ctap2/authenticator-data';
import { CborError, decodeCanonical, decodeTolerant, requireMap } from '../../native/ctap2/cbor';
import { Ctap2 } from '../../native/ctap2/ctap2';
import { CtapError, CtapResponseError } from '../../native/ctap2/errors';
import { encodeGetAssertion, encodeGetInfo, encodeGetPinRetries, encodeMakeCredential } from '../../native/ctap2/requests';
import { parseGetAssertion, parseGetInfo, parseMakeCredential, parsePinRetries } from '../../native/ctap2/responses';
import { CtapHidCmd } from '../../native/ctaphid/constants';
import { CtapHidError } from '../../native/ctaphid/errors';
import { MessageAssembler, encodeMessage, parsePacket } from '../../native/ctaphid/framing';

const TOTAL = 100_000;
const TIME_LIMIT_MS = 60_000;
const TYPED = [CtapHidError, CborError, CtapResponseError, CtapError];
/** Initial bytes that start long integers, indefinite items, break, undefined and tags. */
const CBOR_HAZARDS = [0x18, 0x19, 0x1a, 0x1b, 0x5f, 0x9f, 0xbf, 0xff, 0xf7, 0xc0];


describe('fuzzing the parsers', () => {
  it(`answers ${TOTAL.toLocaleString('en')} random and mutated frames and CBOR payloads with typed errors only`, async () => {
    const random = seededRandom(0x6b657977);
    const int = (n: number) => Math.floor(random() * n);
    const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
    /** Flips, inserts, deletes, truncates or splices bytes: the mutations a broken key or cable makes. */
    function mutate(input: Uint8Array): Uint8Array {
      const bytes = Array.from(input);
      for (let i = 0, n = 1 + int(4); i < n; i += 1) {
        const at = int(bytes.length + 1);
        switch (int(6)) {
          case 0:
            if (bytes.length) bytes[at % bytes.length] = int(256);
            break;
          case 1:
            bytes.splice(at, 0, int(256));
            break;
          case 2:
            bytes.splice(at, 1);
            break;
          case 3:
            bytes.length = Math.min(bytes.length, at);
            break;
          case 4:
            if (bytes.length) bytes[at % bytes.length]! ^= 1 << int(8);
            break;
          default:
            bytes.splice(at, 0, CBOR_HAZARDS[int(CBOR_HAZARDS.length)]!);
        }
      }
      return Uint8Array.from(bytes);
    }

    // Real material to mutate: genuine responses from the software authenticator.
    const engine = new SoftwareCtap2Engine(newAuthenticatorState(), async () => 'touched');
    const context = { waitingForTouch: () => undefined, cancellation: new Cancellation() };
    const cdh = new Uint8Array(createHash('sha256').update('fuzz').digest());
    const makeRequest = encodeMakeCredential({ clientDataHash: cdh, rp: { id: 'keyward.local' }, user: { id: Uint8Array.of(1) } });
    const made = await engine.handle(makeRequest, context);
    const credentialId = parseMakeCredential(requireMap(decodeCanonical(made.subarray(1)), 'x')).authData.attestedCredentialData!.credentialId;
    const assertRequest = encodeGetAssertion({ rpId: 'keyward.local', clientDataHash: cdh, allowList: [{ id: credentialId, type: 'public-key' }] });
    const responses = [await engine.handle(encodeGetInfo(), context), await engine.handle(encodeGetPinRetries(), context), made, await engine.handle(assertRequest, context)];
    const requests = [encodeGetInfo(), encodeGetPinRetries(), makeRequest, assertRequest];
    const authDatas = [parseMakeCredential(requireMap(decodeCanonical(made.subarray(1)), 'x')).authData.raw];
    const packets = encodeMessage(0x11223344, CtapHidCmd.CBOR, responses[0]!);
    const parsers = [parseGetInfo, parsePinRetries, parseMakeCredential, parseGetAssertion];

    const counts = { frames: 0, cbor: 0, responses: 0, authData: 0, authenticator: 0, typedErrors: 0 };
    const untyped: string[] = [];
    const expectTyped = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        if (TYPED.some((type) => error instanceof type)) counts.typedErrors += 1;
        else untyped.push(String(error));
      }
    };

    // A library warning per input would flood the worker's output; none is expected, and none may pass unseen.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    /** The authenticator must answer every request; a hang is a failure, never a stuck test run. */
    const answerWithin = async (request: Uint8Array): Promise<Uint8Array> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the software authenticator did not answer ${Buffer.from(request).toString('hex')}`)), 5_000);
      });
      try {
        return await Promise.race([engine.handle(request, context), hung]);
      } finally {
        clearTimeout(timer);
      }
    };
    const started = Date.now();
    let n = 0;
    for (; n < TOTAL && Date.now() - started < TIME_LIMIT_MS; n += 1) {
      switch (n % 5) {
        case 0: {
          counts.frames += 1;
          const report = random() < 0.5 ? randomBytes(64) : Uint8Array.from({ length: 64 }, (_, i) => mutate(packets[int(packets.length)]!)[i] ?? 0);
          expectTyped(() => {
            const packet = parsePacket(report);
            if (packet.kind === 'init') {
              const message = new MessageAssembler(packet);
              for (let i = 1; i < packets.length && !message.complete; i += 1) message.add(parsePacket(random() < 0.3 ? mutate(packets[i]!) : packets[i]!) as never);
            }
          });
          break;
        }
        case 1:
          counts.cbor += 1;
          // Strict decoding (what the software key reads) and tolerant decoding (what Keyward reads from keys) alike.
          expectTyped(() => (n % 2 ? decodeCanonical : decodeTolerant)(random() < 0.3 ? randomBytes(int(80)) : mutate(responses[int(responses.length)]!.subarray(1))));
          break;
        case 2: {
          counts.responses += 1;
          const which = int(responses.length);
          const bytes = mutate(responses[which]!);
          expectTyped(() => {
            const decoded = decodeCanonical(bytes.subarray(1));
            parsers[which]!(requireMap(decoded, 'response'));
          });
          break;
        }
        case 3:
          counts.authData += 1;
          expectTyped(() => parseAuthenticatorData(random() < 0.2 ? randomBytes(int(200)) : mutate(authDatas[0]!)));
          break;
        default: {
          // The software authenticator must survive garbage requests too: it answers with a status byte.
          counts.authenticator += 1;
          const answer = await answerWithin(mutate(requests[int(requests.length)]!));
          expect(answer.length).toBeGreaterThan(0);
        }
      }
    }

    // And the full client path: Ctap2 over a channel that returns mutated answers.
    let clientCalls = 0;
    const client = new Ctap2({ cbor: async () => mutate(responses[0]!) });
    for (let i = 0; i < 500; i += 1, clientCalls += 1) {
      await client.getInfo().catch((error: unknown) => {
        if (!TYPED.some((type) => error instanceof type)) untyped.push(String(error));
      });
    }

    warn.mockRestore();
    expect(warn).not.toHaveBeenCalled();
    console.log(`[fuzz] ${n} inputs in ${Date.now() - started} ms:`, JSON.stringify(counts), `+ ${clientCalls} client calls`);
    expect(untyped.slice(0, 5)).toEqual([]);
    expect(n).toBe(TOTAL);
  }, 120_000);
});
