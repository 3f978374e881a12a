import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/ledger/canonical-json';
import { findEntry } from '../../db/ledger';
import { custodiansOf } from '../../test/support/circle';
import { openTestSession } from '../../test/support/session';
import { addPlace, registerSeal } from '../inventory/inventory';
import { listCheckpoints, nameSite, recordCheckpoint } from '../ledger/checkpoints';
import { verifyStoredLedger } from '../ledger/ledger';
import { drillKeySource, type KeySource } from '../presence/key-sources';
import { exportAuditBundle } from './audit-export';
import { verifyAuditBundle } from './audit-verify';
import { MEMBERS, asJson } from './bundle-contents';
import { readTar, writeTar } from './ustar';

type TestSession = ReturnType<typeof openTestSession>;
const standInForHardware = (source: KeySource): KeySource => ({ simulated: false, open: (target) => source.open(target) });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Where each member's header, data and padding lie in a bundle written by writeTar. */
function layout(bytes: Buffer) {
  const spans: { name: string; header: number; data: number; size: number; end: number }[] = [];
  let offset = 0;
  for (const member of readTar(bytes)) {
    const data = offset + 512;
    const end = data + Math.ceil(member.data.length / 512) * 512;
    spans.push({ name: member.name, header: offset, data, size: member.data.length, end });
    offset = end;
  }
  return { spans, closingBlocks: offset };
}

describe('audit bundles', () => {
  let s: TestSession;
  let keys: KeySource;
  let out: string;
  beforeEach(async () => {
    s = openTestSession();
    keys = standInForHardware(drillKeySource(s.db, { store: 'custodians' }));
    await custodiansOf(s, keys, ['Alice Example', 'Bob Example', 'Carol Example']);
    nameSite(s, { name: 'HQ' });
    addPlace(s, { name: 'HQ safe A', site: 'HQ' });
    registerSeal(s, { serial: 'S-1' });
    await recordCheckpoint(s, keys, { custodian: 'Alice Example', witness: 'Bob Example' });
    out = join(s.dir, 'HQ-2026-11-25.kwaudit');
  });
  afterEach(() => s.close());

  it('writes one file that verifies with no database, closed by a checkpoint the ledger keeps too', async () => {
    const { manifest, closing } = await exportAuditBundle(s, keys, { out, custodian: 'Carol Example', witness: 'Alice Example' });
    expect(readTar(readFileSync(out)).map((m) => m.name)).toEqual([...MEMBERS]);
    expect(manifest).toMatchObject({ format: 'keyward-audit-bundle', version: 1, site: { name: 'HQ' }, head: { seq: closing.seq - 1 } });
    expect(closing).toMatchObject({ number: 2, manifest: sha256(readTar(readFileSync(out))[0]!.data) });
    expect(verifyAuditBundle(out)).toEqual({
      ok: true,
      site: manifest.site,
      createdAt: manifest.createdAt,
      head: manifest.head,
      checkpoints: 1,
      closing: { number: 2, seq: closing.seq, hash: closing.hash, custodian: 'Carol Example', witness: 'Alice Example' },
    });
    // The manifest has exactly the fields its JSON Schema in docs/ requires, and each member too.
    const schema = JSON.parse(readFileSync(new URL('../../docs/audit-bundle-manifest.schema.json', import.meta.url), 'utf8'));
    expect(Object.keys(manifest).sort()).toEqual(schema.required);
    expect(manifest.members.map((m) => Object.keys(m).sort())).toEqual(Array(4).fill(schema.properties.members.items.required));
    expect(manifest.members.map((m) => m.name)).toEqual(schema.properties.members.items.properties.name.enum);
    expect(listCheckpoints(s.db).at(-1)).toMatchObject({ number: 2, manifest: closing.manifest });
    expect(verifyStoredLedger(s.db)).toMatchObject({ ok: true });
  });

  it('fails with one byte changed anywhere, naming the member it lies in', async () => {
    await exportAuditBundle(s, keys, { out, custodian: 'Carol Example', witness: 'Alice Example' });
    const good = readFileSync(out);
    const { spans, closingBlocks } = layout(good);
    const flips: { at: number; member: string }[] = [{ at: closingBlocks + 3, member: 'the end of the archive' }, { at: good.length - 1, member: 'the end of the archive' }];
    for (const span of spans) {
      for (const at of [span.header, span.header + 60, span.header + 101, span.header + 130, span.header + 150, span.header + 258, span.header + 511]) flips.push({ at, member: span.name });
      for (const at of [span.data, span.data + (span.size >> 1), span.data + span.size - 1, span.end - 1]) flips.push({ at, member: span.name });
    }
    const bad = join(s.dir, 'bad.kwaudit');
    for (const { at, member } of flips) {
      const bytes = Buffer.from(good);
      bytes[at] = bytes[at]! ^ 0x20;
      writeFileSync(bad, bytes);
      expect(verifyAuditBundle(bad), `byte ${at}`).toMatchObject({ ok: false, member });
    }
    writeFileSync(bad, good.subarray(0, good.length - 512));
    expect(verifyAuditBundle(bad)).toMatchObject({ ok: false, member: 'the end of the archive' });
  });

  it('refuses a bundle of a format version it does not read, clearly', async () => {
    const first = await exportAuditBundle(s, keys, { out, custodian: 'Carol Example', witness: 'Alice Example' });
    const members = readTar(readFileSync(out));
    // A later Keyward's bundle, with its own manifest signed in its own closing checkpoint.
    const ledger = Buffer.concat([members[1]!.data, Buffer.from(`${canonicalJson(asJson(findEntry(s.db, first.closing.seq)))}\n`)]);
    const manifest = Buffer.from(canonicalJson(asJson({ ...first.manifest, version: 2, head: { seq: first.closing.seq, hash: first.closing.hash } })));
    const closing = await recordCheckpoint(s, keys, { custodian: 'Carol Example', witness: 'Alice Example' }, undefined, { manifest: sha256(manifest) });
    const later = [{ name: 'manifest.json', data: manifest }, { name: 'ledger.jsonl', data: ledger }, ...members.slice(2, 5), { name: 'closing-checkpoint.json', data: Buffer.from(canonicalJson(asJson(findEntry(s.db, closing.seq)))) }];
    writeFileSync(out, writeTar(later, 0));
    expect(() => verifyAuditBundle(out)).toThrow('this bundle is format version 2; this Keyward reads version 1 only');
  });

  it('refuses an export whose approvers are not two different custodians, writing nothing', async () => {
    const before = s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get();
    await expect(exportAuditBundle(s, keys, { out, custodian: 'Carol Example', witness: 'Carol Example' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(exportAuditBundle(s, keys, { out: join(s.dir, 'no-such-folder', 'x.kwaudit'), custodian: 'Carol Example', witness: 'Alice Example' })).rejects.toMatchObject({ code: 'invalid_input', field: 'out' });
    expect(s.db.prepare('SELECT count(*) FROM ledger_entries').pluck().get()).toBe(before);
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });
});
