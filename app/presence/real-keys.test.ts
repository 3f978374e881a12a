import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDrillKey, saveDrillKey } from '../../db/drill-keys';
import { findFidoCredential } from '../../db/fido-credentials';
import type { SoftwareAuthenticatorState } from '../../native/authenticator/ctap2-engine';
import { verifyLedger } from '../../db/ledger';
import type { ResponseEncoding } from '../../native/authenticator/response-encoding';
import type { SoftwareAuthenticator } from '../../native/authenticator/software-authenticator';
import { newKeyPair } from '../../native/key-pair';
import { buildCertificate } from '../../native/piv-card/certificate-builder';
import { openTestSession } from '../../test/support/session';
import { listInventory } from '../inventory/inventory';
import { enrolKey } from './enrolment';
import { drillKeySource } from './key-sources';
import { runPresenceCheck } from './presence-check';

type TestSession = ReturnType<typeof openTestSession>;

/** A batch attestation key and certificate as a key vendor issues them, valid from `notBefore` to `notAfter`. */
function batchAttestation(notBefore: Date, notAfter: Date, signingKey?: 'another key') {
  const { privateKey, publicKey } = newKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const certificate = buildCertificate({
    subject: { commonName: 'Keyward Test Security Key Batch 1', organisation: 'Keyward Test Vendor' },
    subjectKey: publicKey,
    selfKey: privateKey,
    serial: randomBytes(8),
    notBefore,
    notAfter,
  });
  const signer = signingKey ? newKeyPair({ type: 'ec', namedCurve: 'P-256' }).privateKey : privateKey;
  return { certificate: Buffer.from(certificate).toString('base64'), privateKeyPkcs8: signer.export({ type: 'pkcs8', format: 'der' }).toString('base64') };
}

describe('keys as they are in the field', () => {
  let s: TestSession;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  const entries = () => s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get() as number;
  const lastEntry = () => JSON.parse(s.db.prepare('SELECT body FROM ledger_entries ORDER BY seq DESC LIMIT 1').pluck().get() as string) as { kind: string; payload: Record<string, unknown> };
  const source = (prepare: (key: SoftwareAuthenticator) => void) => drillKeySource(s.db, { prepare });

  it.each<[ResponseEncoding, string]>([
    ['as-built', 'responses not in canonical CBOR, read tolerantly: map keys out of canonical order'],
    ['long-heads', 'responses not in canonical CBOR, read tolerantly: map keys out of canonical order, integers or lengths not in their shortest form'],
  ])('enrols and checks a key that sends %s CBOR, attStmt as alg, x5c, sig: a note on the key, never an anomaly or "missing"', async (encoding, note) => {
    const keys = source((key) => {
      key.state.responseEncoding = encoding;
      key.state.attestation ??= batchAttestation(new Date('2024-01-01T00:00:00Z'), new Date('2044-01-01T00:00:00Z'));
    });
    const key = await enrolKey(s, keys, { label: 'YK-01' });
    const credential = findFidoCredential(s.db, key.id)!;
    expect(credential.notes).toEqual([note]);
    expect(lastEntry()).toMatchObject({ kind: 'authenticator.enrolled', payload: { notes: credential.notes } });

    const [result] = await runPresenceCheck(s, keys);
    if (encoding === 'as-built') {
      // Its getInfo and getAssertion maps are built in canonical order: nothing to note at a check.
      expect(result).toMatchObject({ result: 'ok', findings: [] });
    } else {
      expect(result).toMatchObject({ result: 'ok', findings: [{ code: 'non_canonical_encoding', detail: expect.stringMatching(/^getInfo: integers .*getAssertion: integers/) }] });
      expect(lastEntry()).toMatchObject({ kind: 'presence.checked', payload: { result: 'ok', findings: [expect.objectContaining({ text: expect.stringMatching(/^note: the key's responses are not canonical CBOR/) })] } });
    }
    expect(listInventory(s).authenticators[0]!.notes).toEqual([note]);
    expect(verifyLedger(s.db).ok).toBe(true);
  });

  it('merges what a later check shows into the key\'s one encoding note', async () => {
    const key = await enrolKey(s, source((k) => (k.state.responseEncoding = 'as-built')), { label: 'YK-01' });
    const state = loadDrillKey(s.db, key.id) as SoftwareAuthenticatorState;
    saveDrillKey(s.db, key.id, { ...state, responseEncoding: 'long-heads' });
    expect((await runPresenceCheck(s, drillKeySource(s.db)))[0]).toMatchObject({ result: 'ok', findings: [{ code: 'non_canonical_encoding' }] });
    expect(findFidoCredential(s.db, key.id)!.notes).toEqual(['responses not in canonical CBOR, read tolerantly: map keys out of canonical order, integers or lengths not in their shortest form']);
  });

  it('enrols a key whose attestation certificate expired, recording the fact, when the attestation signature verifies', async () => {
    const keys = source((key) => {
      key.state.attestation ??= batchAttestation(new Date('2014-08-01T00:00:00Z'), new Date('2019-03-28T12:00:00Z'));
    });
    const key = await enrolKey(s, keys, { label: 'YK-OLD' });
    expect(findFidoCredential(s.db, key.id)!.notes).toEqual(['attestation certificate expired 2019-03-28']);
    expect(lastEntry().payload).toMatchObject({ notes: ['attestation certificate expired 2019-03-28'] });
    expect(listInventory(s).authenticators.find((a) => a.label === 'YK-OLD')!.notes).toEqual(['attestation certificate expired 2019-03-28']);
    expect((await runPresenceCheck(s, keys))[0]).toMatchObject({ result: 'ok', findings: [] });
  });

  it('enrols a key whose attestation certificate is not valid yet, recording the fact', async () => {
    const keys = source((key) => {
      key.state.attestation ??= batchAttestation(new Date('2099-01-01T00:00:00Z'), new Date('2120-01-01T00:00:00Z'));
    });
    const key = await enrolKey(s, keys, { label: 'YK-NEW' });
    expect(findFidoCredential(s.db, key.id)!.notes).toEqual(['attestation certificate not valid before 2099-01-01']);
  });

  it('refuses an attestation whose signature does not verify with its certificate, and writes nothing', async () => {
    const before = entries();
    const keys = source((key) => {
      key.state.attestation = batchAttestation(new Date('2014-08-01T00:00:00Z'), new Date('2019-03-28T00:00:00Z'), 'another key');
    });
    await expect(enrolKey(s, keys, { label: 'YK-BAD' })).rejects.toMatchObject({ code: 'verification_failed', message: /signature does not match the attestation certificate/ });
    expect(entries()).toBe(before);
    expect(listInventory(s).authenticators).toEqual([]);
  });

  it('refuses a key whose response is malformed (a byte after the CBOR), with the reason, and writes nothing', async () => {
    const before = entries();
    const keys = source((key) => {
      key.misbehaviour = 'trailing-bytes';
    });
    await expect(enrolKey(s, keys, { label: 'YK-BAD' })).rejects.toMatchObject({ name: 'CtapResponseError', message: /trailing byte/ });
    expect(entries()).toBe(before);
  });
});
