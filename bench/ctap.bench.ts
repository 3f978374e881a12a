// npm run bench:ctap — the CTAP stack's overhead as ratios against baselines measured in the same run.
import { createHash, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectSoftwareKey } from '../native/authenticator/connect';
import { SoftwareAuthenticator } from '../native/authenticator/software-authenticator';
import { loadCredential } from '../native/authenticator/credentials';
import { Cancellation } from '../native/authenticator/ctap2-engine';
import { encodeGetAssertion } from '../native/ctap2/requests';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 10_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 100);
const RP = 'keyward.local';
const clientDataHash = new Uint8Array(createHash('sha256').update('bench').digest());

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quartiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `${at(0.25)}–${at(0.75)}`;
};
const µs = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

type Work = 'stack' | 'engine' | 'sign';
/** The round trip over a baseline, sample by sample (the samples were taken in turn). */
const ratios = (samples: Record<Work, number[]>, over: Work) => samples.stack.map((ms, i) => ms / samples[over][i]!);

async function roundTrip(): Promise<void> {
  const key = new SoftwareAuthenticator();
  const { ctap2 } = await connectSoftwareKey(key);
  const made = await ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(1) } });
  const allowList = [{ id: made.authData.attestedCredentialData!.credentialId, type: 'public-key' as const }];
  const credential = loadCredential(key.state.credentials[0]!);
  const signed = new Uint8Array(37 + 32);

  const request = encodeGetAssertion({ rpId: RP, clientDataHash, allowList });
  const context = { waitingForTouch: () => undefined, cancellation: new Cancellation() };
  const work: [Work, () => Promise<unknown>][] = [
    ['stack', () => ctap2.getAssertion({ rpId: RP, clientDataHash, allowList })],
    ['engine', () => key.engine.handle(request, context)],
    ['sign', async () => sign('sha256', signed, { key: credential.privateKey, dsaEncoding: 'der' })],
  ];
  for (const [, run] of work) for (let i = 0; i < 2_000; i += 1) await run();

  // Per call, interleaved: stack, engine, signature, stack, … each timed on its own. Each one
  // then runs in the state the others leave the machine in, as the key's work does inside a
  // real round trip; run alone in a loop, the key's work would have the caches to itself.
  const perCall: Record<Work, number[]> = { stack: [], engine: [], sign: [] };
  for (let i = 0; i < ROUND_TRIPS; i += 1) {
    for (const [name, run] of work) {
      const start = performance.now();
      await run();
      perCall[name].push(performance.now() - start);
    }
  }

  // In blocks of 50 of each, for comparison: the key's work then runs hot, on its own.
  const block = 50;
  const perBlock: Record<Work, number[]> = { stack: [], engine: [], sign: [] };
  for (let done = 0; done < ROUND_TRIPS; done += block) {
    for (const [name, run] of work) {
      const start = performance.now();
      for (let i = 0; i < block; i += 1) await run();
      perBlock[name].push((performance.now() - start) / block);
    }
  }
  key.unplug();

  console.log(`getAssertion round trip over the in-memory transport (host CBOR + CTAPHID frames both ways + the key's work): ${µs(median(perCall.stack))} (median of ${ROUND_TRIPS})`);
  console.log(`  baseline, the software authenticator's own handling of the same request (CBOR in, ES256, CBOR out): ${µs(median(perCall.engine))}`);
  console.log(`  baseline, its ES256 signature alone: ${µs(median(perCall.sign))}`);
  console.log(`  ratio round trip / authenticator's own work, per call: median ${median(ratios(perCall, 'engine')).toFixed(2)}x (quartiles ${quartiles(ratios(perCall, 'engine'))}) (target < 1.5x)`);
  console.log(`  ratio round trip / signature alone, per call: median ${median(ratios(perCall, 'sign')).toFixed(2)}x (quartiles ${quartiles(ratios(perCall, 'sign'))})`);
  console.log(`  in blocks of ${block}, the key's work running hot: round trip ${µs(median(perBlock.stack))}, its own work ${µs(median(perBlock.engine))}, ratio median ${median(ratios(perBlock, 'engine')).toFixed(2)}x (quartiles ${quartiles(ratios(perBlock, 'engine'))}); over the signature ${median(ratios(perBlock, 'sign')).toFixed(2)}x`);
}

async function manyKeys(): Promise<void> {
  const keys = Array.from({ length: KEYS }, () => new SoftwareAuthenticator());
  const enrolled: { key: SoftwareAuthenticator; id: Uint8Array }[] = [];
  for (const key of keys) {
    const { ctap2, transport } = await connectSoftwareKey(key);
    const made = await ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(1) } });
    enrolled.push({ key, id: made.authData.attestedCredentialData!.credentialId });
    await transport.close();
  }
  const start = performance.now();
  for (const { key, id } of enrolled) {
    const { ctap2, transport } = await connectSoftwareKey(key);
    await ctap2.getInfo();
    await ctap2.getPinRetries();
    await ctap2.getAssertion({ rpId: RP, clientDataHash, allowList: [{ id, type: 'public-key' }] });
    await transport.close();
  }
  const ms = performance.now() - start;
  keys.forEach((k) => k.unplug());
  console.log(`stack work of a presence check of ${KEYS} simulated keys (INIT, getInfo, getPINRetries, getAssertion each): ${ms.toFixed(0)} ms, ${(ms / KEYS).toFixed(2)} ms per key`);
}

await roundTrip();
await manyKeys();
