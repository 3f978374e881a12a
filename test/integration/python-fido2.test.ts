import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cancellation, SoftwareCtap2Engine, newAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import { decodeCanonical, type CborMap } from '../../native/ctap2/cbor';
import { encodeGetAssertion, encodeGetInfo, encodeGetPinRetries, encodeMakeCredential } from '../../native/ctap2/requests';
import { parseGetAssertion, parseMakeCredential } from '../../native/ctap2/responses';
import { killAfter } from '../support/children';
import { temporaryDirectory } from '../support/session';

// Debian's python3-fido2 imports only under the system interpreter.
const PYTHON = '/usr/bin/python3';
const available = spawnSync(PYTHON, ['-c', 'import fido2'], { stdio: 'ignore', ...killAfter(20_000) }).status === 0;
if (!available) console.warn('[python-fido2] SKIPPED on this machine: python3-fido2 is not installed (apt-get install python3-fido2)');

const script = new URL('../fixtures/python-fido2/crosscheck.py', import.meta.url).pathname;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha256 = (text: string) => new Uint8Array(createHash('sha256').update(text).digest());

describe.skipIf(!available)(`python-fido2 reads our software authenticator and sends what we send${available ? '' : ' — SKIPPED: python3-fido2 not installed'}`, () => {
  const dir = temporaryDirectory('keyward-pyfido2-');
  afterAll(() => dir.remove());

  it('agrees on getInfo, getPINRetries, makeCredential and getAssertion, byte for byte', async () => {
    const engine = new SoftwareCtap2Engine(newAuthenticatorState({ aaguid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', firmwareVersion: 0x050704, pinRetries: 6 }), async () => 'touched');
    const context = { waitingForTouch: () => undefined, cancellation: new Cancellation() };
    const rpId = 'keyward.local';
    const clientDataHash = sha256('registration client data');
    const assertionClientDataHash = sha256('assertion client data');
    const userId = Uint8Array.of(0x4b, 0x57, 0x01);

    const requests = {
      getInfo: encodeGetInfo(),
      getPinRetries: encodeGetPinRetries(),
      makeCredential: encodeMakeCredential({ clientDataHash, rp: { id: rpId, name: 'Keyward' }, user: { id: userId, name: 'YK-01' }, pubKeyCredParams: [{ alg: -7, type: 'public-key' }] }),
    };
    const responses = {
      getInfo: await engine.handle(requests.getInfo, context),
      getPinRetries: await engine.handle(requests.getPinRetries, context),
      makeCredential: await engine.handle(requests.makeCredential, context),
    };
    const made = parseMakeCredential(decodeCanonical(responses.makeCredential.subarray(1)) as CborMap);
    const credentialId = made.authData.attestedCredentialData!.credentialId;
    const getAssertion = encodeGetAssertion({ rpId, clientDataHash: assertionClientDataHash, allowList: [{ id: credentialId, type: 'public-key' }] });
    const assertionResponse = await engine.handle(getAssertion, context);
    const asserted = parseGetAssertion(decodeCanonical(assertionResponse.subarray(1)) as CborMap);

    const input = join(dir.path, 'case.json');
    writeFileSync(
      input,
      JSON.stringify({
        getInfo: hex(responses.getInfo),
        getPinRetries: hex(responses.getPinRetries),
        makeCredential: hex(responses.makeCredential),
        getAssertion: hex(assertionResponse),
        clientDataHash: hex(clientDataHash),
        assertionClientDataHash: hex(assertionClientDataHash),
        rpId,
        rpName: 'Keyward',
        userId: hex(userId),
        userName: 'YK-01',
      }),
    );
    const python = JSON.parse(execFileSync(PYTHON, [script, input], { encoding: 'utf8', ...killAfter(20_000) }));

    // What python-fido2 sent for the same inputs is exactly what we send.
    expect(python.requests).toEqual([hex(requests.getInfo), hex(requests.getPinRetries), hex(requests.makeCredential), hex(getAssertion)]);
    // What it understood of our answers is what we put in them.
    expect(python.info).toEqual({
      versions: ['FIDO_2_0', 'FIDO_2_1'],
      aaguid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      options: { rk: true, up: true, plat: false, clientPin: true },
      pinUvAuthProtocols: [2, 1],
      firmwareVersion: 0x050704,
    });
    expect(python.pinRetries).toBe(6);
    expect(python.attestation).toEqual({
      fmt: 'packed',
      signCount: made.authData.signCount,
      credentialId: hex(credentialId),
      aaguid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      publicKeyX: hex(made.authData.attestedCredentialData!.publicKey.get(-2) as Uint8Array),
      selfAttestationVerified: true,
    });
    expect(python.assertion).toEqual({ signCount: asserted.authData.signCount, credentialId: hex(credentialId), userPresent: true, signatureVerified: true });
  });
});
