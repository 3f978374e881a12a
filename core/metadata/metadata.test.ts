import { describe, expect, it } from 'vitest';
import { certificationLevel, currentStatus, metadataConcerns, metadataStale, parseBlobPayload, type MetadataStatusReport } from './metadata';

const report = (status: string, effectiveDate: string, authenticatorVersion: number | null = null): MetadataStatusReport => ({ status, effectiveDate, authenticatorVersion, certificateNumber: null });

describe('what the FIDO metadata says of a key', () => {
  it('keeps FIDO2 entries only and refuses a payload that is not MDS3, saying where', () => {
    const payload = { no: 3, nextUpdate: '2026-12-01', entries: [{ aaid: '4746#F816', metadataStatement: {}, statusReports: [] }, { aaguid: 'CB69481E-8FF7-4039-93EC-0A2729A154A8', metadataStatement: { description: 'YubiKey 5', authenticatorVersion: 50100, attestationRootCertificates: ['MIIB'] }, statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2020-05-12' }] }] };
    expect(parseBlobPayload(payload)).toEqual({ no: 3, nextUpdate: '2026-12-01', entries: [{ aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', description: 'YubiKey 5', authenticatorVersion: 50100, attestationRootCertificates: ['MIIB'], statusReports: [report('FIDO_CERTIFIED_L1', '2020-05-12')] }] });
    expect(() => parseBlobPayload({ ...payload, no: -1 })).toThrow(/no serial number/);
    expect(() => parseBlobPayload({ ...payload, nextUpdate: '1 Dec 2026' })).toThrow(/no nextUpdate date/);
    expect(() => parseBlobPayload({ ...payload, entries: [payload.entries[1], payload.entries[1]] })).toThrow(/lists AAGUID cb69481e-8ff7-4039-93ec-0a2729a154a8 twice/);
    expect(() => parseBlobPayload({ ...payload, entries: [{ aaguid: payload.entries[1]!.aaguid, metadataStatement: {}, statusReports: [{ status: 'REVOKED', effectiveDate: 'yesterday' }] }] })).toThrow(/effectiveDate is not YYYY-MM-DD at entries\[0\]\.statusReports\[0\]/);
  });

  it('reads the newest status and certification, whatever order the reports come in', () => {
    const reports = [report('REVOKED', '2025-02-01'), report('FIDO_CERTIFIED_L1', '2020-01-01'), report('FIDO_CERTIFIED_L2', '2022-01-01')];
    expect(currentStatus({ statusReports: reports })).toBe('REVOKED');
    expect(certificationLevel({ statusReports: reports })).toBe('FIDO_CERTIFIED_L2');
    expect(certificationLevel({ statusReports: [] })).toBe('not certified');
  });

  it('keeps a compromise until later firmware the key has reached; REVOKED never lifts; an update above the firmware is asked for', () => {
    const bypass = [report('USER_VERIFICATION_BYPASS', '2024-01-01'), report('UPDATE_AVAILABLE', '2024-02-01', 200)];
    expect(metadataConcerns({ statusReports: bypass }, 100)).toEqual({ compromise: bypass[0], updateBelow: bypass[1] });
    expect(metadataConcerns({ statusReports: bypass }, 200)).toEqual({ compromise: null, updateBelow: null });
    expect(metadataConcerns({ statusReports: bypass }, null).compromise).toEqual(bypass[0]);
    const revoked = [report('REVOKED', '2024-01-01'), report('FIDO_CERTIFIED_L1', '2024-06-01', 300)];
    expect(metadataConcerns({ statusReports: revoked }, 400).compromise).toEqual(revoked[0]);
  });

  it('calls metadata stale only after the whole of its next-update day has passed', () => {
    expect(metadataStale('2026-11-25', new Date('2026-11-25T23:59:00Z'))).toBe(false);
    expect(metadataStale('2026-11-25', new Date('2026-11-26T00:00:00Z'))).toBe(true);
  });
});
