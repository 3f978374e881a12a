import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSoftwareKey } from '../authenticator/connect';
import { SoftwareAuthenticator } from '../authenticator/software-authenticator';
import { newAuthenticatorState } from '../authenticator/ctap2-engine';
import { KeepaliveStatus } from '../ctaphid/constants';
import { CtapError } from './errors';
import { CtapStatus } from './constants';
import type { CborMap } from './cbor';

const RP = 'keyward.local';
const hash = (text: string) => new Uint8Array(createHash('sha256').update(text).digest());
const clientDataHash = hash('{"type":"webauthn.create","challenge":"abc"}');
const keys: SoftwareAuthenticator[] = [];
afterEach(() => keys.splice(0).forEach((k) => k.unplug()));

async function softwareKey(options: ConstructorParameters<typeof SoftwareAuthenticator>[0] = {}) {
  const key = new SoftwareAuthenticator(options);
  keys.push(key);
  return { key, ...(await connectSoftwareKey(key)) };
}

function publicKeyOf(cose: CborMap) {
  const x = Buffer.from(cose.get(-2) as Uint8Array).toString('base64url');
  const y = Buffer.from(cose.get(-3) as Uint8Array).toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
}

describe('the CTAP2 stack against the software authenticator', () => {
  it('allocates a channel and reads getInfo', async () => {
    const { connection, ctap2, key } = await softwareKey({ state: newAuthenticatorState({ aaguid: '00112233445566778899aabbccddeeff', firmwareVersion: 0x050704 }) });
    expect(connection.cid).not.toBe(0xffffffff);
    expect(connection.capabilities & 0x04).toBe(0x04);
    const info = await ctap2.getInfo();
    expect(info.versions).toContain('FIDO_2_1');
    expect(Buffer.from(info.aaguid).toString('hex')).toBe('00112233445566778899aabbccddeeff');
    expect(info.options).toMatchObject({ rk: true, up: true, clientPin: true });
    expect(info.firmwareVersion).toBe(0x050704);
    expect(info.algorithms).toEqual([{ alg: -7, type: 'public-key' }]);
    expect(key.state.pinRetries).toBe(8);
  });

  it('reads the PIN retry counter without any PIN, and a UV counter where the key has one', async () => {
    const { ctap2, key } = await softwareKey();
    expect(await ctap2.getPinRetries()).toEqual({ pinRetries: 8, powerCycleState: undefined });
    key.state.pinRetries = 5;
    expect((await ctap2.getPinRetries()).pinRetries).toBe(5);
    await expect(ctap2.getUvRetries()).rejects.toMatchObject({ status: CtapStatus.INVALID_SUBCOMMAND });
    key.state.uvRetries = 3;
    expect(await ctap2.getUvRetries()).toBe(3);
  });

  it('makes a credential whose packed self-attestation verifies with its own public key', async () => {
    const { ctap2 } = await softwareKey();
    const made = await ctap2.makeCredential({ clientDataHash, rp: { id: RP, name: 'Keyward' }, user: { id: Uint8Array.of(1, 2, 3), name: 'yk-01' } });
    expect(made.fmt).toBe('packed');
    const attested = made.authData.attestedCredentialData!;
    expect(made.authData.flags).toMatchObject({ up: true, at: true });
    expect(made.authData.signCount).toBe(1);
    expect(Buffer.from(made.authData.rpIdHash)).toEqual(Buffer.from(hash(RP)));
    expect(attested.credentialId).toHaveLength(32);
    const signed = Buffer.concat([made.authData.raw, clientDataHash]);
    expect(verify('sha256', signed, publicKeyOf(attested.publicKey), Buffer.from(made.attStmt.get('sig') as Uint8Array))).toBe(true);
  });

  it('asserts with the enrolled credential, counting each use, and says so when a key does not hold it', async () => {
    const { ctap2 } = await softwareKey();
    const made = await ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(9) } });
    const { credentialId, publicKey } = made.authData.attestedCredentialData!;
    const challenge = hash('entry 42');
    const assertion = await ctap2.getAssertion({ rpId: RP, clientDataHash: challenge, allowList: [{ id: credentialId, type: 'public-key' }] });
    expect(assertion.authData.signCount).toBe(2);
    expect(assertion.authData.flags.up).toBe(true);
    expect(Buffer.from(assertion.credential!.id)).toEqual(Buffer.from(credentialId));
    expect(verify('sha256', Buffer.concat([assertion.authData.raw, challenge]), publicKeyOf(publicKey), Buffer.from(assertion.signature))).toBe(true);

    const other = await softwareKey();
    const missing = other.ctap2.getAssertion({ rpId: RP, clientDataHash: challenge, allowList: [{ id: credentialId, type: 'public-key' }] });
    await expect(missing).rejects.toBeInstanceOf(CtapError);
    await expect(missing).rejects.toMatchObject({ status: CtapStatus.NO_CREDENTIALS, statusName: 'CTAP2_ERR_NO_CREDENTIALS' });
  });

  it('says "touch your key" while it waits, and reports a refused touch', async () => {
    let release: (answer: 'touched' | 'denied') => void = () => undefined;
    const { ctap2 } = await softwareKey({ presence: () => new Promise((resolve) => (release = resolve)), keepaliveIntervalMs: 20 });
    const made = ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(1) } }, {
      onKeepalive: (status) => {
        if (status === KeepaliveStatus.UPNEEDED) release('touched');
      },
    });
    expect((await made).authData.flags.up).toBe(true);

    const denied = ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(1) } }, { onKeepalive: () => release('denied') });
    await expect(denied).rejects.toMatchObject({ statusName: 'CTAP2_ERR_OPERATION_DENIED' });
  });

  it('cancels a pending touch with CTAPHID_CANCEL', async () => {
    const { ctap2 } = await softwareKey({ presence: () => new Promise(() => undefined), keepaliveIntervalMs: 20 });
    const abort = new AbortController();
    const pending = ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(1) } }, { onKeepalive: () => abort.abort(), signal: abort.signal });
    await expect(pending).rejects.toMatchObject({ statusName: 'CTAP2_ERR_KEEPALIVE_CANCEL' });
  });

  it('names the PIN-blocked and excluded-credential statuses', () => {
    expect(new CtapError(CtapStatus.PIN_BLOCKED).message).toBe('the key answered CTAP2_ERR_PIN_BLOCKED');
    expect(new CtapError(0x6a).statusName).toBe('CTAP2_ERR_0x6a');
    expect(new CtapError(CtapStatus.INVALID_CHANNEL).statusName).toBe('CTAP1_ERR_INVALID_CHANNEL');
  });

  it.each(['as-built', 'long-heads'] as const)('reads a key that sends %s CBOR: the same answers, signatures over the bytes received, the departure noted', async (responseEncoding) => {
    const { ctap2 } = await softwareKey({ state: newAuthenticatorState({ responseEncoding }) });
    expect((await ctap2.getInfo()).versions).toContain('FIDO_2_1');
    expect((await ctap2.getPinRetries()).pinRetries).toBe(8);
    const made = await ctap2.makeCredential({ clientDataHash, rp: { id: RP }, user: { id: Uint8Array.of(9) } });
    const { credentialId, publicKey, publicKeyBytes } = made.authData.attestedCredentialData!;
    // The COSE key inside authData is as the key wrote it; the signature covers those bytes.
    expect(Buffer.from(made.authData.raw).includes(Buffer.from(publicKeyBytes))).toBe(true);
    expect(verify('sha256', Buffer.concat([made.authData.raw, clientDataHash]), publicKeyOf(publicKey), Buffer.from(made.attStmt.get('sig') as Uint8Array))).toBe(true);
    const challenge = hash('entry 43');
    const assertion = await ctap2.getAssertion({ rpId: RP, clientDataHash: challenge, allowList: [{ id: credentialId, type: 'public-key' }] });
    expect(verify('sha256', Buffer.concat([assertion.authData.raw, challenge]), publicKeyOf(publicKey), Buffer.from(assertion.signature))).toBe(true);
    const departure = responseEncoding === 'as-built' ? 'map keys out of canonical order' : 'integers or lengths not in their shortest form';
    expect(ctap2.encodingNotes.join('; ')).toMatch(new RegExp(`makeCredential authenticator data: [^;]*${departure}`));
    if (responseEncoding === 'long-heads') expect(ctap2.encodingNotes).toContain(`getInfo: ${departure}`);
    else expect(ctap2.encodingNotes.some((n) => n.startsWith('getInfo'))).toBe(false);
  });

  it('carries a message larger than one packet both ways (ping of 7609 bytes)', async () => {
    const { connection } = await softwareKey();
    const data = new Uint8Array(7609).map((_, i) => i & 0xff);
    expect(Buffer.from(await connection.ping(data))).toEqual(Buffer.from(data));
  });
});
