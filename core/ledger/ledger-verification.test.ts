import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainFieldsOf, entryBody } from './ledger';
import { verifyChain, type StoredEntryRow } from './ledger-verification';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

function chain(length: number): StoredEntryRow[] {
  const rows: StoredEntryRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const body = entryBody({ seq, recordedAt: `2026-01-01T00:00:0${seq % 10}.000Z`, utcOffset: '+01:00', actors: [{ role: 'operator', name: 'a' }], kind: 'test', payload: { n: seq }, prevHash });
    const hash = sha256Hex(body);
    rows.push({ body, hash });
    prevHash = hash;
  }
  return rows;
}

/** Re-seals a row after an edit, as an attacker who recomputes that one hash would. */
const reseal = (body: string): StoredEntryRow => ({ body, hash: sha256Hex(body) });

const walk = (rows: StoredEntryRow[], expectHead?: string) =>
  verifyChain(rows, { sha256Hex, seqAppearsLater: (seq) => rows.some((r) => chainFieldsOf(r.body)?.seq === seq), expectHead });

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chain(5);
    expect(walk(rows)).toEqual({ ok: true, entries: 5, headSeq: 5, headHash: rows[4]!.hash });
  });

  it('refuses an empty ledger: every ledger begins with its creation entry, so its entries were removed', () => {
    expect(walk([])).toMatchObject({ ok: false, entries: 0, headHash: GENESIS_HASH, firstBadSeq: 1, reason: 'gap', message: expect.stringMatching(/the ledger is empty/) });
  });

  it('reads seq and previous hash from the tail of a canonical body', () => {
    const [row] = chain(1);
    expect(chainFieldsOf(row!.body)).toEqual({ seq: 1, prevHash: GENESIS_HASH });
    // A payload that mimics the tail does not fool it: the last occurrence is the real one.
    const tricky = entryBody({ seq: 7, recordedAt: '2026-01-01T00:00:00.000Z', utcOffset: '+00:00', actors: [], kind: 'k', payload: { s: ',"prevHash":"' + 'a'.repeat(64) + '"' }, prevHash: 'b'.repeat(64) });
    expect(chainFieldsOf(tricky)).toEqual({ seq: 7, prevHash: 'b'.repeat(64) });
    expect(chainFieldsOf('{"seq":1}')).toBeUndefined();
  });

  it('names an entry whose content changed', () => {
    const rows = chain(6);
    rows[3] = { ...rows[3]!, body: rows[3]!.body.replace('"n":4', '"n":40') };
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'content_changed', entries: 3 });
  });

  it('names an entry whose link was rewritten along with its own hash', () => {
    const rows = chain(6);
    rows[2] = reseal(rows[2]!.body.replace(rows[1]!.hash, 'f'.repeat(64)));
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'link_broken' });
  });

  it('names an entry whose text is no longer a well-formed entry', () => {
    const rows = chain(4);
    rows[1] = reseal(rows[1]!.body.replace('"utcOffset":"+01:00"', '"utcOffset":"+01:00","x":1'));
    expect(walk(rows)).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'content_changed', message: expect.stringContaining('no longer a well-formed') });
  });

  it('names an entry renumbered to hide a deletion', () => {
    const rows = chain(5);
    rows.splice(2, 1);
    rows[2] = reseal(rows[2]!.body.replace('"seq":4', '"seq":3'));
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
