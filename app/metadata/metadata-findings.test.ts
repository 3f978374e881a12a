import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../core/findings/finding';
import { blobPayload, createMdsPki, createVendorAttestation, signBlob, type MdsPki, type StatusReportInput, type VendorAttestation } from '../../test/support/mds';
import { openTestSession, steppingClock } from '../../test/support/session';
import { listFindings } from '../findings/findings';
import { buildCustodyReport } from '../reports/report';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { keyMetadata, metadataFlags } from './metadata-findings';
import { importMetadata } from './metadata-import';

const VENDOR_KEY = '0bb43545-fd2c-4185-87dd-feb0b2916ace';
/** The software key's getInfo firmwareVersion (0x050704). */
const FIRMWARE = 0x050704;

const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

describe('findings from the FIDO metadata', () => {
  let pki: MdsPki;
  let vendor: VendorAttestation;
  let s: ReturnType<typeof openTestSession>;
  let no = 0;

  const importReports = async (statusReports: StatusReportInput[], nextUpdate = '2026-12-31') => {
    no += 1;
    const path = join(s.dir, `blob-${no}.jwt`);
    writeFileSync(path, await signBlob(pki, blobPayload({ no, nextUpdate, entries: [{ aaguid: VENDOR_KEY, description: 'Test Vendor Key 5', attestationRoots: [vendor.rootBase64], statusReports }] })));
    await importMetadata(s, { file: path }, { rootPem: pki.rootPem });
  };
  const enrolGenuine = () =>
    enrolKey(
      s,
      standInForHardware(
        drillKeySource(s.db, {
          prepare: (key) => {
            key.state.aaguid = VENDOR_KEY.replace(/-/g, '');
            key.state.attestation = vendor.attestation;
          },
        }),
      ),
      { label: 'YK-01' },
    );
  const open = (kind: Finding['kind']) => listFindings(s).filter((f) => f.kind === kind);

  beforeAll(async () => {
    [pki, vendor] = await Promise.all([createMdsPki(), createVendorAttestation()]);
  });
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('raises a critical finding for a key whose model the metadata reports REVOKED, and shows model, certification and status', async () => {
    await importReports([{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2021-01-02' }]);
    const key = await enrolGenuine();
    expect(open('metadata-compromised')).toEqual([]);
    expect(keyMetadata(s).get(key.id)).toEqual({ model: 'Test Vendor Key 5', certification: 'FIDO_CERTIFIED_L1', status: 'FIDO_CERTIFIED_L1', genuineness: 'genuine Test Vendor Key 5' });

    await importReports([{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2021-01-02' }, { status: 'REVOKED', effectiveDate: '2026-11-20' }]);
    const [revoked] = open('metadata-compromised');
    expect(revoked).toMatchObject({ severity: 'critical', subject: { id: String(key.id) }, since: '2026-11-20T00:00:00.000Z', title: 'YK-01: the FIDO metadata reports Test Vendor Key 5 REVOKED', closure: 'resolution' });
    expect(keyMetadata(s).get(key.id)?.status).toBe('REVOKED');
    expect(metadataFlags(s, new Date('2026-11-26T00:00:00Z'), [key.id])).toEqual([{ severity: 'critical', text: expect.stringMatching(/^YK-01: the FIDO metadata reports Test Vendor Key 5 REVOKED: status report REVOKED of 2026-11-20 in metadata BLOB 2/) }]);
    expect(metadataFlags(s, new Date('2026-11-26T00:00:00Z'), [key.id + 1])).toEqual([]);
  });

  it('prints each key\'s model, certification, metadata status and genuineness in the custody report\'s inventory', async () => {
    await importReports([{ status: 'FIDO_CERTIFIED_L2', effectiveDate: '2022-05-01' }]);
    await enrolGenuine();
    const report = buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' });
    expect(JSON.stringify(report)).toContain('Test Vendor Key 5 (FIDO_CERTIFIED_L2, metadata status FIDO_CERTIFIED_L2; genuine Test Vendor Key 5)');
  });

  it.each(['ATTESTATION_KEY_COMPROMISE', 'USER_VERIFICATION_BYPASS', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE'])('raises a critical finding for %s unless a later report names firmware the key has reached', async (status) => {
    await enrolGenuine();
    await importReports([{ status, effectiveDate: '2025-03-01' }]);
    expect(open('metadata-compromised').map((f) => f.severity)).toEqual(['critical']);
    await importReports([{ status, effectiveDate: '2025-03-01' }, { status: 'FIDO_CERTIFIED_L1', effectiveDate: '2025-06-01', authenticatorVersion: FIRMWARE }]);
    expect(open('metadata-compromised')).toEqual([]);
  });

  it('warns when the key\'s firmware is below a version a status report says fixes it', async () => {
    await enrolGenuine();
    await importReports([{ status: 'UPDATE_AVAILABLE', effectiveDate: '2026-01-10', authenticatorVersion: FIRMWARE }]);
    expect(open('metadata-firmware')).toEqual([]);
    await importReports([{ status: 'UPDATE_AVAILABLE', effectiveDate: '2026-01-10', authenticatorVersion: FIRMWARE + 1 }]);
    expect(open('metadata-firmware')).toEqual([expect.objectContaining({ severity: 'warning', title: `YK-01: firmware ${FIRMWARE} is below the fixed version ${FIRMWARE + 1}` })]);
  });

  it('gives a notice while the imported metadata is past its next update, until a newer BLOB comes', async () => {
    await importReports([], '2026-11-01');
    expect(open('metadata-stale')).toEqual([expect.objectContaining({ severity: 'notice', title: 'FIDO metadata is older than its next update (2026-11-01)' })]);
    await importReports([], '2026-12-31');
    expect(open('metadata-stale')).toEqual([]);
  });

  it('judges from the present: the same metadata is stale once the clock passes its next update', async () => {
    await importReports([]);
    expect(open('metadata-stale')).toEqual([]);
    const later = { ...s, clock: steppingClock('2027-01-02T00:00:00.000Z') };
    expect(listFindings(later).filter((f) => f.kind === 'metadata-stale')).toHaveLength(1);
  });
});
