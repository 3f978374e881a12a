import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrolKey } from '../../app/presence/enrolment';
import { drillKeySource } from '../../app/presence/key-sources';
import { blobPayload, createMdsPki, revocationList, signBlob } from '../support/mds';
import { chromiumSuite } from '../support/renderer-harness';

describe('FIDO metadata on the Inventory screen in Chromium', () => {
  const suite = chromiumSuite(async (s) => {
    await enrolKey(s, drillKeySource(s.db), { label: 'YK-D1' });
  });

  it('says no metadata is imported, and refuses a BLOB that does not chain to the pinned FIDO Alliance root with its reason, writing nothing', async () => {
    const { page } = suite.ui;
    const { s } = suite;
    const pki = await createMdsPki();
    const blob = join(s.dir, 'blob.jwt');
    writeFileSync(blob, await signBlob(pki, blobPayload({ no: 1, nextUpdate: '2026-12-31', entries: [] })));
    const crl = join(s.dir, 'intermediate.crl');
    writeFileSync(crl, await revocationList(pki.intermediate));

    await page.getByRole('button', { name: 'Inventory' }).click();
    const section = page.getByRole('region', { name: 'FIDO metadata' });
    await section.getByText('No FIDO metadata imported: genuineness and model status are not checked.').waitFor();
    expect(await page.getByRole('row', { name: /YK-D1 \(drill\)/ }).textContent()).toMatch(/genuineness not checked \(no metadata\)/);

    const head = s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get();
    const form = section.getByRole('form', { name: 'Import a metadata BLOB' });
    await form.getByLabel('BLOB file').fill(blob);
    await form.getByLabel('CRL files').fill(crl);
    await form.getByRole('button', { name: 'Import metadata' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/does not lead to the pinned root: Test MDS Intermediate, Keyward Test is not signed by GlobalSign/);
    expect(s.db.prepare('SELECT max(seq) FROM ledger_entries').pluck().get()).toBe(head);
  });
});
