import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendEntry, readHead } from '../../db/ledger';
import { timestamp } from '../ports';
import { genuinenessByItem } from '../../db/metadata';
import { blobPayload, createMdsPki, createVendorAttestation, signBlob, type MdsPki, type VendorAttestation } from '../../test/support/mds';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { listFindings } from '../findings/findings';
import { verifyStoredLedger } from '../ledger/ledger';
import { enrolKey } from '../presence/enrolment';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { importMetadata } from './metadata-import';

const VENDOR_KEY = '0bb43545-fd2c-4185-87dd-feb0b2916ace';

/** Software keys standing in for real hardware (there is none here): recorded as real, not drills. */
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });

describe('genuineness at enrolment', () => {
  let pki: MdsPki;
  let vendor: VendorAttestation;
  let cloner: VendorAttestation;
  let s: ReturnType<typeof openTestSession>;

  /** A software key that claims the vendor's AAGUID and attests with `batch`. */
  const keyAttestedBy = (batch: VendorAttestation) =>
    standInForHardware(
      drillKeySource(s.db, {
        prepare: (key) => {
          key.state.aaguid = VENDOR_KEY.replace(/-/g, '');
          key.state.attestation = batch.attestation;
        },
      }),
    );
  const importBlob = async () => {
    const path = join(s.dir, 'blob.jwt');
    writeFileSync(path, await signBlob(pki, blobPayload({ no: 1, nextUpdate: '2026-12-31', entries: [{ aaguid: VENDOR_KEY, description: 'Test Vendor Key 5', attestationRoots: [vendor.rootBase64] }] })));
    await importMetadata(s, { file: path }, { rootPem: pki.rootPem });
  };
  const enrolment = () => JSON.parse(s.db.prepare("SELECT body FROM ledger_entries WHERE kind = 'authenticator.enrolled' ORDER BY seq DESC LIMIT 1").pluck().get() as string);

  beforeAll(async () => {
    [pki, vendor, cloner] = await Promise.all([createMdsPki(), createVendorAttestation('Test Vendor'), createVendorAttestation('Cloner')]);
  });
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('records a key whose attestation chains to its model\'s listed root as genuine, in the ledger and the inventory', async () => {
    await importBlob();
    const key = await enrolKey(s, keyAttestedBy(vendor), { label: 'YK-01' });
    expect(enrolment().payload.genuineness).toEqual({ verdict: 'genuine', text: 'genuine Test Vendor Key 5', metadataBlob: 1 });
    expect(genuinenessByItem(s.db).get(key.id)).toMatchObject({ verdict: 'genuine', text: 'genuine Test Vendor Key 5' });
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('refuses a clone that claims the AAGUID but attests with another root, writing nothing', async () => {
    await importBlob();
    const head = readHead(s.db);
    await expect(enrolKey(s, keyAttestedBy(cloner), { label: 'YK-CLONE' })).rejects.toMatchObject({
      code: 'verification_failed',
      message: expect.stringMatching(/YK-CLONE: attestation does not chain to the vendor's root \(Test Vendor Key 5\); enrolment refused/),
    });
    expect(readHead(s.db)).toEqual(head);
    expect(s.db.prepare('SELECT count(*) FROM authenticators').pluck().get()).toBe(0);
  });

  it('refuses a key of a listed model that gives no attestation certificate', async () => {
    await importBlob();
    const selfAttested = standInForHardware(drillKeySource(s.db, { prepare: (key) => void (key.state.aaguid = VENDOR_KEY.replace(/-/g, '')) }));
    await expect(enrolKey(s, selfAttested, { label: 'YK-SELF' })).rejects.toMatchObject({ message: expect.stringContaining('the key gave no attestation certificate') });
  });

  it('enrols a key that is not genuine when two custodians accept it with their own keys; the ledger requires their signatures', async () => {
    const custodianKeys = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    await custodiansOf(s, custodianKeys, ['Alice Example', 'Bob Example']);
    await importBlob();
    const steps: string[] = [];
    const key = await enrolKey(s, keyAttestedBy(cloner), { label: 'YK-CLONE', approvers: ['Alice Example', 'Bob Example'] }, undefined, { custodianKeys, onApproval: (step) => steps.push(`${step.name}: ${step.step}`) });
    expect(steps.filter((t) => t.endsWith('approved'))).toEqual(['Alice Example: approved', 'Bob Example: approved']);
    const entry = enrolment();
    expect(entry.payload.genuineness).toMatchObject({ verdict: 'not_genuine' });
    expect(entry.approvals.map((a: { role: string }) => a.role)).toEqual(['custodian', 'witness']);
    expect(genuinenessByItem(s.db).get(key.id)?.verdict).toBe('not_genuine');
    expect(listFindings(s).filter((f) => f.kind === 'attestation-not-genuine')).toEqual([expect.objectContaining({ severity: 'warning', title: "YK-CLONE: attestation does not chain to the vendor's root" })]);
    expect(verifyStoredLedger(s.db).ok).toBe(true);
  });

  it('fails verification of a ledger holding an enrolment of a key that is not genuine without two custodians\' approvals', () => {
    appendEntry(s.db, { kind: 'authenticator.enrolled', actors: [s.actor], payload: { authenticatorId: 1, label: 'YK-CLONE', genuineness: { verdict: 'not_genuine', text: 'x', metadataBlob: 1 }, drill: false } }, timestamp(s.clock));
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: false, message: expect.stringContaining("needs the custodian's approval") });
  });

  it('without metadata enrols as before and says genuineness was not checked', async () => {
    const key = await enrolKey(s, keyAttestedBy(cloner), { label: 'YK-01' });
    expect(enrolment().payload.genuineness).toEqual({ verdict: 'unchecked', text: 'genuineness not checked (no metadata)', metadataBlob: null });
    expect(genuinenessByItem(s.db).get(key.id)?.text).toBe('genuineness not checked (no metadata)');
  });
});
