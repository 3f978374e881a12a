import dns from 'node:dns';
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeywardError } from '../../core/errors';
import { readHead } from '../../db/ledger';
import { findMetadataEntry, newestBlob } from '../../db/metadata';
import { blobPayload, createMdsPki, issue, revocationList, selfSignedCa, signBlob, type MdsPki } from '../../test/support/mds';
import { openTestSession } from '../../test/support/session';
import { verifyStoredLedger } from '../ledger/ledger';
import { FIDO_MDS_ROOT_PEM, FIDO_MDS_ROOT_SHA256 } from './fido-root';
import { importMetadata } from './metadata-import';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const payload = (no: number, nextUpdate = '2026-12-31') =>
  blobPayload({ no, nextUpdate, entries: [{ aaguid: YUBIKEY, description: 'YubiKey 5 Series', authenticatorVersion: 50704, statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2021-01-02' }] }] });

describe('importing a FIDO metadata BLOB', () => {
  let pki: MdsPki;
  let rsa: MdsPki;
  let s: ReturnType<typeof openTestSession>;
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(s.dir, name);
    writeFileSync(path, content);
    return path;
  };
  const kept = () => ({ blobs: s.db.prepare('SELECT count(*) FROM metadata_blobs').pluck().get(), entries: s.db.prepare('SELECT count(*) FROM metadata_entries').pluck().get(), head: readHead(s.db) });
  const refusal = async (work: Promise<unknown>): Promise<KeywardError> => {
    const error = await work.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KeywardError);
    return error as KeywardError;
  };

  beforeAll(async () => {
    [pki, rsa] = await Promise.all([createMdsPki('ES256'), createMdsPki('RS256', 'Test RSA MDS')]);
  });
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('pins the real FIDO Alliance root: GlobalSign Root CA - R3 by its SHA-256 fingerprint', () => {
    const root = new X509Certificate(FIDO_MDS_ROOT_PEM);
    expect(root.fingerprint256).toBe(FIDO_MDS_ROOT_SHA256);
    expect(root.subject).toContain('OU=GlobalSign Root CA - R3');
  });

  it('imports a BLOB signed ES256 through an intermediate, keeps its statements and records no, nextUpdate and SHA-256 in the ledger', async () => {
    const crls = [file('root.crl', await revocationList(pki.root)), file('intermediate.crl', await revocationList(pki.intermediate))];
    const result = await importMetadata(s, { file: file('blob.jwt', await signBlob(pki, payload(42))), crls }, { rootPem: pki.rootPem });
    expect(result).toMatchObject({ no: 42, nextUpdate: '2026-12-31', entries: 1, stale: false, alreadyImported: false, notCheckedAgainstACrl: [] });
    expect(result.crls.map((c) => [c.file, c.certificates])).toEqual([
      ['root.crl', ['Test MDS Intermediate, Keyward Test']],
      ['intermediate.crl', ['Test MDS BLOB Signer, Keyward Test']],
    ]);
    const entry = JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'metadata.imported'").pluck().get() as string);
    expect(entry.payload).toMatchObject({ no: 42, nextUpdate: '2026-12-31', sha256: result.sha256, algorithm: 'ES256', signer: 'Test MDS BLOB Signer, Keyward Test' });
    expect(findMetadataEntry(s.db, YUBIKEY)).toMatchObject({ description: 'YubiKey 5 Series', authenticatorVersion: 50704 });
    expect(newestBlob(s.db)).toMatchObject({ no: 42, sha256: result.sha256 });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('imports an RS256 BLOB, says which certificates no CRL covered, and the same BLOB again changes nothing', async () => {
    const path = file('blob.jwt', await signBlob(rsa, payload(7)));
    const first = await importMetadata(s, { file: path }, { rootPem: rsa.rootPem });
    expect(first.notCheckedAgainstACrl).toEqual(['Test RSA MDS BLOB Signer, Keyward Test', 'Test RSA MDS Intermediate, Keyward Test']);
    const before = kept();
    expect(await importMetadata(s, { file: path }, { rootPem: rsa.rootPem })).toMatchObject({ alreadyImported: true, no: 7 });
    expect(kept()).toEqual(before);
  });

  it('opens no socket and looks up no name during an import, though the certificates name CRL addresses', async () => {
    const attempts: string[] = [];
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      attempts.push('connect');
      throw new Error('no network during an import');
    });
    const lookup = vi.spyOn(dns, 'lookup').mockImplementation((() => {
      attempts.push('lookup');
      throw new Error('no network during an import');
    }) as never);
    const fetch = vi.spyOn(globalThis, 'fetch').mockImplementation(() => {
      attempts.push('fetch');
      throw new Error('no network during an import');
    });
    try {
      const crls = [file('intermediate.crl', await revocationList(pki.intermediate))];
      expect(await importMetadata(s, { file: file('blob.jwt', await signBlob(pki, payload(3))), crls }, { rootPem: pki.rootPem })).toMatchObject({ no: 3 });
    } finally {
      connect.mockRestore();
      lookup.mockRestore();
      fetch.mockRestore();
    }
    expect(attempts).toEqual([]);
  });

  it('refuses a tampered payload, a wrong signature, a chain to another root and an unknown algorithm, writing nothing', async () => {
    const good = await signBlob(pki, payload(5));
    const [h, , sig] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload(6))).toString('base64url')}.${sig}`;
    const before = kept();
    expect((await refusal(importMetadata(s, { file: file('t.jwt', tampered) }, { rootPem: pki.rootPem }))).message).toMatch(/signature does not verify/);

    const impostor = await createMdsPki('ES256', 'Impostor');
    const wrongKey = await signBlob({ signer: impostor.signer, x5c: pki.x5c }, payload(5));
    expect((await refusal(importMetadata(s, { file: file('w.jwt', wrongKey) }, { rootPem: pki.rootPem }))).message).toMatch(/signature does not verify with Test MDS BLOB Signer/);

    const otherRoot = await signBlob(impostor, payload(5));
    expect((await refusal(importMetadata(s, { file: file('o.jwt', otherRoot) }, { rootPem: pki.rootPem }))).message).toMatch(/does not lead to the pinned root: Impostor Intermediate.* is not signed by Test MDS Root/);
    // Without a test root, the real pinned root applies: the test BLOB does not chain to GlobalSign.
    expect((await refusal(importMetadata(s, { file: file('g.jwt', good) }))).message).toMatch(/not signed by GlobalSign/);

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', x5c: pki.x5c })).toString('base64url')}.${good.split('.')[1]}.${sig}`;
    expect((await refusal(importMetadata(s, { file: file('n.jwt', none) }, { rootPem: pki.rootPem }))).message).toMatch(/signed with "none"; MDS3 BLOBs are signed ES256 or RS256/);
    expect((await refusal(importMetadata(s, { file: file('x.jwt', 'not a jwt') }, { rootPem: pki.rootPem }))).message).toMatch(/not a metadata BLOB/);
    expect(kept()).toEqual(before);
  });

  it('refuses a chain whose signing certificate a CRL revokes, and a CRL nobody in the chain signed', async () => {
    const revoked = [file('intermediate.crl', await revocationList(pki.intermediate, [pki.signer]))];
    const blob = file('blob.jwt', await signBlob(pki, payload(9)));
    const before = kept();
    const error = await refusal(importMetadata(s, { file: blob, crls: revoked }, { rootPem: pki.rootPem }));
    expect(error.message).toMatch(/Test MDS BLOB Signer, Keyward Test \(serial [0-9A-F]+\) in the BLOB's chain was revoked on 2026-10-15, says intermediate.crl/);
    const stranger = await selfSignedCa('CN=Stranger CA, O=Elsewhere');
    const foreign = [file('foreign.crl', await revocationList(stranger))];
    expect((await refusal(importMetadata(s, { file: blob, crls: foreign }, { rootPem: pki.rootPem }))).message).toMatch(/foreign.crl is not signed by any certificate of the BLOB's chain/);
    // A CRL that claims the intermediate's name but is signed by another key.
    const forger = await selfSignedCa('CN=Test MDS Intermediate, O=Keyward Test');
    const forged = [file('forged.crl', await revocationList(forger, [pki.signer]))];
    expect((await refusal(importMetadata(s, { file: blob, crls: forged }, { rootPem: pki.rootPem }))).field).toBe('crl');
    expect(kept()).toEqual(before);
  });

  it('refuses a rolled-back BLOB and a different BLOB under the same number', async () => {
    await importMetadata(s, { file: file('10.jwt', await signBlob(pki, payload(10))) }, { rootPem: pki.rootPem });
    const before = kept();
    const rollback = await refusal(importMetadata(s, { file: file('9.jwt', await signBlob(pki, payload(9))) }, { rootPem: pki.rootPem }));
    expect(rollback).toMatchObject({ code: 'conflict' });
    expect(rollback.message).toMatch(/rollback refused: this BLOB is number 9, older than number 10/);
    const twin = await refusal(importMetadata(s, { file: file('10b.jwt', await signBlob(pki, payload(10, '2027-01-31'))) }, { rootPem: pki.rootPem }));
    expect(twin.message).toMatch(/a different BLOB with the same number 10/);
    expect(kept()).toEqual(before);
    expect(await importMetadata(s, { file: file('11.jwt', await signBlob(pki, payload(11))) }, { rootPem: pki.rootPem })).toMatchObject({ no: 11, alreadyImported: false });
  });

  it('imports a BLOB past its nextUpdate as stale (a notice until a newer one comes), but not one whose chain has expired', async () => {
    expect(await importMetadata(s, { file: file('old.jwt', await signBlob(pki, payload(2, '2026-10-01'))) }, { rootPem: pki.rootPem })).toMatchObject({ stale: true });
    const expired = await issue(pki.intermediate, 'CN=Old Signer, O=Keyward Test', { notAfter: new Date('2026-06-01T00:00:00Z') });
    const before = kept();
    const blob = await signBlob({ signer: expired, x5c: [Buffer.from(expired.cert.rawData).toString('base64'), pki.x5c[1]!] }, payload(4));
    expect((await refusal(importMetadata(s, { file: file('e.jwt', blob) }, { rootPem: pki.rootPem }))).message).toMatch(/Old Signer, Keyward Test in the BLOB's chain is not valid on 2026-11-25/);
    expect(kept()).toEqual(before);
  });

  it('refuses a payload that is not MDS3 with where it is wrong', async () => {
    const before = kept();
    const bad = await signBlob(pki, { no: 1, nextUpdate: '2026-12-31', entries: [{ aaguid: 'not-a-uuid', metadataStatement: {}, statusReports: [] }] });
    expect((await refusal(importMetadata(s, { file: file('b.jwt', bad) }, { rootPem: pki.rootPem }))).message).toMatch(/aaguid is not a UUID at entries\[0\]/);
    expect((await refusal(importMetadata(s, { file: join(s.dir, 'missing.jwt') }))).code).toBe('not_found');
    expect(kept()).toEqual(before);
  });
});
