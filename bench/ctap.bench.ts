// npm run bench:ctap — the CTAP stack's overhead as ratios against baselines measured in the same run.
import { createHash, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectSoftwareKey } from '../native/authenticator/connect';
import { SoftwareAuthenticator } from '../native/authenticator/software-authenticator';
import { loadCredential } from '../native/authenticator/credentials';
import { Cancellation } from '../native/authenticator/ctap2-engine';
import { encodeGetAssertion } from '../native/ctap2/requests';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 100);
const RP = 'keyward.local';
const clientDataHash = new Uint8Array(createHash('sha256').update('bench').digest());

async function roundTrip(): Promise<void> {
  const key = new SoftwareAuthenticator();
  const { ctap2 } = await connectSoftwareKey(key);
  const made = await ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(1) } });
  const allowList = [{ id: made.authData.attestedCredentialData!.credentialId, type: 'public-key' as const }];
  const credential = loadCredential(key.state.credentials[0]!);
  const signed = new Uint8Array(37 + 32);

  const request = encodeGetAssertion({ rpId: RP, clientDataHash, allowList });
  const context = { waitingForTouch: () => undefined, cancellation: new Cancellation() };
  const work = {
    stack: () => ctap2.getAssertion({ rpId: RP, clientDataHash, allowList }),
    engine: () => key.engine.handle(request, context),
    sign: async () => sign('sha256', signed, { key: credential.privateKey, dsaEncoding: 'der' }),
  };
  const spent = { stack: 0, engine: 0, sign: 0 };
  // Warm every path, then alternate blocks so that all three see the same machine.
  for (const run of Object.values(work)) for (let i = 0; i < 300; i += 1) await run();
  const block = 100;
  for (let done = 0; done < ROUND_TRIPS; done += block) {
    for (const [name, run] of Object.entries(work) as [keyof typeof work, () => Promise<unknown>][]) {
      const start = performance.now();
      for (let i = 0; i < block; i += 1) await run();
      spent[name] += performance.now() - start;
    }
  }
  key.unplug();
  const per = (ms: number) => (ms / ROUND_TRIPS) * 1000;
  console.log(`getAssertion round trip over the in-memory transport (host CBOR + CTAPHID frames both ways + the key's work): ${per(spent.stack).toFixed(1)} µs`);
  console.log(`  baseline, the software authenticator's own handling of the same request (CBOR in, ES256, CBOR out): ${per(spent.engine).toFixed(1)} µs`);
  console.log(`  baseline, its ES256 signature alone: ${per(spent.sign).toFixed(1)} µs`);
  console.log(`  ratio round trip / authenticator's own work: ${(spent.stack / spent.engine).toFixed(2)}x (target < 1.5x)`);
  console.log(`  ratio round trip / signature alone: ${(spent.stack / spent.sign).toFixed(2)}x`);
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
