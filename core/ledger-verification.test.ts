import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, entryHashInput, entryHashInputOf } from './ledger';
import { verifyChain, type StoredEntryRow } from './ledger-verification';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

function chain(length: number): StoredEntryRow[] {
  const rows: StoredEntryRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const fields = { seq, recordedAt: `2026-01-01T00:00:0${seq % 10}.000Z`, utcOffset: '+01:00', actorsJson: '[{"name":"a","role":"operator"}]', kind: 'test', payloadJson: `{"n":${seq}}`, prevHash };
    const hash = sha256Hex(entryHashInput(fields));
    rows.push({ ...fields, hash });
    prevHash = hash;
  }
  return rows;
}

const walk = (rows: StoredEntryRow[], expectHead?: string) =>
  verifyChain(rows, { sha256Hex, seqAppearsLater: (seq) => rows.some((r) => r.seq === seq), expectHead });

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chain(5);
    expect(walk(rows)).toEqual({ ok: true, entries: 5, headSeq: 5, headHash: rows[4]!.hash });
  });

  it('accepts an empty ledger with the genesis head', () => {
    expect(walk([])).toMatchObject({ ok: true, entries: 0, headHash: GENESIS_HASH });
  });

  it('splices stored canonical text into the same bytes as canonical JSON of the parsed entry', () => {
    const [row] = chain(1);
    const parsed = { seq: row!.seq, recordedAt: row!.recordedAt, utcOffset: row!.utcOffset, actors: [{ role: 'operator' as const, name: 'a' }], kind: 'test', payload: { n: 1 }, prevHash: row!.prevHash };
    expect(entryHashInputOf(parsed)).toBe(entryHashInput(row!));
  });

  it('names an entry whose content changed', () => {
    const rows = chain(6);
    rows[3] = { ...rows[3]!, payloadJson: '{"n":40}' };
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'content_changed', entries: 3 });
  });

  it('names an entry whose link was rewritten along with its own hash', () => {
    const rows = chain(6);
    const forged = { ...rows[2]!, prevHash: 'f'.repeat(64) };
    rows[2] = { ...forged, hash: sha256Hex(entryHashInput(forged)) };
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'link_broken' });
  });

  it('names a missing entry as a gap', () => {
    const rows = chain(6);
    rows.splice(2, 1);
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'gap' });
  });

  it('names swapped entries as reordered', () => {
    const rows = chain(6);
    [rows[1], rows[2]] = [rows[2]!, rows[1]!];
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'reordered' });
  });

  it('finds a truncated tail only against an expected head', () => {
    const rows = chain(6);
    const head = rows[5]!.hash;
    const truncated = rows.slice(0, 4);
    expect(walk(truncated).ok).toBe(true);
    expect(walk(truncated, head)).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'head_mismatch', headSeq: 4 });
  });

  it('accepts an expected head that later entries have grown past', () => {
    const rows = chain(6);
    expect(walk(rows, rows[3]!.hash).ok).toBe(true);
  });
});
