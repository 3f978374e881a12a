import { describe, expect, it } from 'vitest';
import { CsvScanner, JsonRecordScanner } from './record-scanners';
import { csvLayout, reconcile, signInFromCsv, signInFromGraph, type CheckoutWindow, type SignIn } from './signins';

const BG1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const OTHER = '11111111-2222-3333-4444-555555555555';
const signIn = (id: string, createdAt: string, userId = BG1, errorCode = 0): SignIn => ({ id, createdAt, userId, upn: 'bg1@contoso.onmicrosoft.com', app: 'Azure Portal', ip: '198.51.100.7', errorCode, conditionalAccess: 'notApplied' });
const window = (from: string, to: string | null, reason = 'emergency', checkoutSeq = 7): CheckoutWindow => ({ checkoutSeq, accountObjectId: BG1, label: 'YK-01', reason, from, to });
const NOW = new Date('2026-11-25T12:00:00.000Z');

describe('reconciling sign-ins with checkout windows', () => {
  it('explains a sign-in inside a window, boundaries included, and calls one a moment outside an incident', () => {
    const w = window('2026-11-20T10:00:00.000Z', '2026-11-20T12:00:00.000Z');
    const r = reconcile(
      [signIn('at-start', '2026-11-20T10:00:00.000Z'), signIn('at-end', '2026-11-20T12:00:00.000Z'), signIn('before', '2026-11-20T09:59:59.999Z'), signIn('after', '2026-11-20T12:00:00.001Z')],
      [w],
      [BG1],
      NOW,
    );
    expect(r.explained.map((e) => e.signIn.id)).toEqual(['at-start', 'at-end']);
    expect(r.incidents.map((s) => s.id)).toEqual(['before', 'after']);
  });

  it('reads times with their own offsets before comparing, so time zones cannot hide a sign-in', () => {
    const inside = signInFromGraph({ id: 'tz', createdDateTime: '2026-11-20T11:30:00+02:00', userId: BG1, status: { errorCode: 0 } }, 'record 1');
    expect(inside.createdAt).toBe('2026-11-20T09:30:00.000Z');
    expect(reconcile([inside], [window('2026-11-20T10:00:00.000Z', '2026-11-20T12:00:00.000Z')], [BG1], NOW).incidents.map((s) => s.id)).toEqual(['tz']);
  });

  it('matches on the object id, never the UPN, and keeps a still-open window open until now', () => {
    const r = reconcile([signIn('renamed', '2026-11-25T11:00:00.000Z'), { ...signIn('lookalike', '2026-11-25T11:00:00.000Z'), userId: OTHER }], [window('2026-11-25T10:00:00.000Z', null)], [BG1], NOW);
    expect(r.explained.map((e) => e.signIn.id)).toEqual(['renamed']);
    expect(r.incidents).toEqual([]);
  });

  it('calls a drill with no successful sign-in incomplete, and finds bursts of failures', () => {
    const drill = window('2026-11-21T10:00:00.000Z', '2026-11-21T11:00:00.000Z', 'drill', 9);
    const failures = ['10:00', '10:04', '10:09', '10:30'].map((t, i) => signIn(`f${i}`, `2026-11-21T${t}:00.000Z`, BG1, 50126));
    const r = reconcile(failures, [drill], [BG1], NOW);
    expect(r.incompleteDrills.map((w) => w.checkoutSeq)).toEqual([9]);
    expect(r.failedBursts).toEqual([{ userId: BG1, from: '2026-11-21T10:00:00.000Z', to: '2026-11-21T10:09:00.000Z', count: 3 }]);
  });
});

describe('reading sign-in records', () => {
  it.each([
    [{ createdDateTime: '2026-11-20T10:00:00Z', userId: BG1, status: { errorCode: 0 } }, /"id" must be a non-empty string/],
    [{ id: 'x', createdDateTime: 'yesterday', userId: BG1, status: { errorCode: 0 } }, /createdDateTime "yesterday" is not a date/],
    [{ id: 'x', createdDateTime: '2026-11-20T10:00:00Z', userId: 'bg1@contoso.onmicrosoft.com', status: { errorCode: 0 } }, /"userId" must be an object id/],
    [{ id: 'x', createdDateTime: '2026-11-20T10:00:00Z', userId: BG1, status: { errorCode: '0' } }, /"status.errorCode" must be a whole number/],
    [{ id: 'x', createdDateTime: '2026-11-20T10:00:00Z', userId: BG1, status: { errorCode: 0 }, ipAddress: 7 }, /"ipAddress" must be text/],
  ])('refuses %j, naming the record', (record, message) => {
    expect(() => signInFromGraph(record, 'record 3')).toThrow(new RegExp(`record 3: ${message.source}`));
  });

  it('maps the portal CSV by its column names and names a missing one', () => {
    const layout = csvLayout(['Date (UTC)', 'Request ID', 'User', 'Username', 'User ID', 'Application', 'IP address', 'Status', 'Sign-in error code', 'Conditional Access']);
    expect(signInFromCsv(['2026-11-20T10:00:00Z', 'req-1', 'BG 1', 'bg1@contoso.onmicrosoft.com', BG1, 'Azure Portal', '198.51.100.7', 'Success', '0', 'Not Applied'], layout, 2)).toMatchObject({ id: 'req-1', userId: BG1, errorCode: 0 });
    expect(() => csvLayout(['Date', 'Who', 'What'])).toThrow(/has no "request id" column/);
    expect(() => signInFromCsv(['2026-11-20T10:00:00Z', 'req-1'], layout, 5)).toThrow(/line 5: has 2 fields/);
  });

  it('streams Graph pages, arrays and JSON Lines, and CSV with quoted line breaks, chunk by chunk', () => {
    const found: string[] = [];
    const scanner = new JsonRecordScanner((record) => found.push((record as { id: string }).id));
    const text = '{"@odata.context":"x","value":[{"id":"a","status":{"errorCode":0}},{"id":"b","note":"} ]"}],"@odata.nextLink":"n"}\n{"value":[{"id":"c"}]}\n[{"id":"d"}]\n{"id":"e"}';
    for (let i = 0; i < text.length; i += 5) scanner.push(text.slice(i, i + 5));
    expect(scanner.end()).toBe(5);
    expect(found).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => {
      const cut = new JsonRecordScanner(() => undefined);
      cut.push('{"value":[{"id":"a"},{"id":"b"');
      cut.end();
    }).toThrow(/ends in the middle of record 2/);
    const rows: string[][] = [];
    const csv = new CsvScanner((r) => rows.push(r));
    csv.push('a,"b ""c""\nd",e\r\n');
    csv.end();
    expect(rows).toEqual([['a', 'b "c"\nd', 'e']]);
  });
});
