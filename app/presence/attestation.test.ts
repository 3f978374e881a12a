import { createHash, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Cancellation, SoftwareCtap2Engine, newAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import { decodeCanonical, requireMap } from '../../native/ctap2/cbor';
import { encodeMakeCredential } from '../../native/ctap2/requests';
import { parseMakeCredential, type MakeCredentialResponse } from '../../native/ctap2/responses';
import { newKeyPair } from '../../native/key-pair';
import { buildCertificate } from '../../native/piv-card/certificate-builder';
import { credentialPublicKey, verifyAttestation } from './attestation';

const NOW = new Date('2026-11-25T09:00:00Z');
const clientDataHash = new Uint8Array(createHash('sha256').update('client data').digest());

const AAGUID = '2fc0579f811347eab116bb5a8db9202a';
/** The FIDO AAGUID extension's extnValue: an OCTET STRING of the 16 bytes. */
const aaguidExtension = (aaguid: string) => ({ oid: '1.3.6.1.4.1.45724.1.1.4', value: Uint8Array.from([0x04, 0x10, ...Buffer.from(aaguid, 'hex')]) });

/** Basic constraints saying "this is a CA": no attestation certificate may be one. */
const CA = { oid: '2.5.29.19', value: Uint8Array.of(0x30, 0x03, 0x01, 0x01, 0xff) };

/** A vendor's batch attestation key and certificate, valid until `notAfter`, naming an AAGUID when given one. */
function batch(notAfter: Date, aaguid?: string, extra: { oid: string; value: Uint8Array }[] = []) {
  const { privateKey, publicKey } = newKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const der = buildCertificate({
    subject: { commonName: 'Test Batch', organisation: 'Test Vendor' },
    subjectKey: publicKey,
    selfKey: privateKey,
    serial: randomBytes(8),
    notBefore: new Date('2014-01-01T00:00:00Z'),
    notAfter,
    extensions: [...(aaguid ? [aaguidExtension(aaguid)] : []), ...extra],
  });
  return { privateKey, der, state: { certificate: Buffer.from(der).toString('base64'), privateKeyPkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64') } };
}

/** A makeCredential answer from the software key, as bytes received and parsed. */
async function made(attestation?: ReturnType<typeof batch>['state']): Promise<MakeCredentialResponse> {
  const engine = new SoftwareCtap2Engine(newAuthenticatorState({ attestation, aaguid: AAGUID }), async () => 'touched');
  const answer = await engine.handle(encodeMakeCredential({ clientDataHash, rp: { id: 'keyward.invalid' }, user: { id: Uint8Array.of(1) } }), { waitingForTouch: () => undefined, cancellation: new Cancellation() });
  return parseMakeCredential(requireMap(decodeCanonical(answer.subarray(1)), 'response'));
}

/** The same credential attested as a FIDO U2F key does: a signature over 00 || rpIdHash || clientDataHash || credentialId || 04 x y. */
function asFidoU2f(response: MakeCredentialResponse, key: ReturnType<typeof batch>, tamper = false): MakeCredentialResponse {
  const { attestedCredentialData, rpIdHash } = response.authData;
  const jwk = credentialPublicKey(attestedCredentialData!.publicKey).export({ format: 'jwk' });
  const signed = Buffer.concat([Uint8Array.of(0), rpIdHash, tamper ? new Uint8Array(32) : clientDataHash, attestedCredentialData!.credentialId, Uint8Array.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const sig = new Uint8Array(sign('sha256', signed, { key: key.privateKey, dsaEncoding: 'der' }));
  return { ...response, fmt: 'fido-u2f', attStmt: new Map<string, Uint8Array | Uint8Array[]>([['sig', sig], ['x5c', [key.der]]]) as never };
}

const verifyMade = (response: MakeCredentialResponse) => verifyAttestation(response, clientDataHash, credentialPublicKey(response.authData.attestedCredentialData!.publicKey), NOW);

describe('attestation statements, verified over the bytes received', () => {
  it('packed self attestation verifies with the credential key', async () => {
    expect(await verifyMade(await made())).toEqual({ fmt: 'packed', type: 'self', certificates: [], notes: [] });
  });

  it('packed with x5c verifies with the certificate; an expired certificate is a note', async () => {
    const key = batch(new Date('2019-03-28T00:00:00Z'));
    const result = await verifyMade(await made(key.state));
    expect(result).toMatchObject({ fmt: 'packed', type: 'basic', notes: ['attestation certificate expired 2019-03-28'] });
    expect(Buffer.from(result.certificates[0]!)).toEqual(Buffer.from(key.der));
  });

  it('checks the AAGUID a packed certificate names against the authenticator data', async () => {
    expect(await verifyMade(await made(batch(new Date('2030-01-01T00:00:00Z'), AAGUID).state))).toMatchObject({ type: 'basic', notes: [] });
    await expect(verifyMade(await made(batch(new Date('2030-01-01T00:00:00Z'), 'cb69481e8ff7403993ec0a2729a154a8').state))).rejects.toMatchObject({
      message: /the AAGUID in the attestation certificate is not the AAGUID in the authenticator data/,
    });
    await expect(verifyMade(await made(batch(new Date('2030-01-01T00:00:00Z'), AAGUID, [CA]).state))).rejects.toMatchObject({ message: /the attestation certificate is a CA certificate/ });
  });

  it('fido-u2f verifies over its own signed bytes, and refuses a signature over anything else', async () => {
    const key = batch(new Date('2030-01-01T00:00:00Z'));
    const response = await made();
    expect(await verifyMade(asFidoU2f(response, key))).toMatchObject({ fmt: 'fido-u2f', type: 'basic', notes: [] });
    await expect(verifyMade(asFidoU2f(response, key, true))).rejects.toMatchObject({ code: 'verification_failed', message: /signature does not match the attestation certificate/ });
  });

  it('"none" is accepted with a note; an unknown format and a statement without its signature are refused', async () => {
    const response = await made();
    expect(await verifyMade({ ...response, fmt: 'none', attStmt: new Map() })).toEqual({ fmt: 'none', type: 'none', certificates: [], notes: ['the key gave no attestation'] });
    await expect(verifyMade({ ...response, fmt: 'tpm' })).rejects.toMatchObject({ message: /attestation format "tpm" is not one a roaming security key uses/ });
    await expect(verifyMade({ ...response, attStmt: new Map([['alg', -7]]) })).rejects.toMatchObject({ message: /the packed statement has no sig/ });
  });

  it('refuses a self attestation whose signature was made over other bytes', async () => {
    const response = await made();
    const raw = Uint8Array.from(response.authData.raw);
    raw[33]! ^= 1; // the signature counter, as if the key had signed another count
    await expect(verifyMade({ ...response, authData: { ...response.authData, raw } })).rejects.toMatchObject({ message: /self-attestation signature does not match the credential key/ });
  });
});
