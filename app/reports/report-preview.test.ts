import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roomWithHistory } from '../../test/support/custody-history';
import { openTestSession } from '../../test/support/session';
import { readHead } from '../../db/ledger';
import { addPlace } from '../inventory/inventory';
import { verifyStoredLedgerOnThread } from '../ledger/verify-on-thread';
import { buildCustodyReport } from './report';
import { PREVIEW_ROWS, previewCustodyReport, previewOf } from './report-preview';

describe('the preview of a custody report', () => {
  let s: ReturnType<typeof openTestSession>;
  beforeEach(() => {
    s = openTestSession();
  });
  afterEach(() => s.close());

  it('carries the first rows of each table and how many the table holds, the rest of the report unchanged', async () => {
    await roomWithHistory(s, 300);
    const input = { from: '2026-11-01', to: '2026-12-31' };
    const whole = buildCustodyReport(s, input);
    const preview = previewCustodyReport(s, input);
    const transactions = preview.sections.find((section) => section.title === 'Transactions in the period')!.table!;
    const all = whole.sections.find((section) => section.title === 'Transactions in the period')!.table!;
    expect(all.rows).toHaveLength(300);
    expect(transactions.total).toBe(300);
    expect(transactions.rows).toEqual(all.rows.slice(0, PREVIEW_ROWS));
    expect(transactions.columns).toEqual(all.columns);
    // A table shorter than a page is whole, and says so by its count.
    const accounts = preview.sections.find((section) => section.title === 'Emergency access accounts')!.table!;
    expect(accounts.rows).toHaveLength(1);
    expect(accounts.total).toBe(1);
    expect(preview.sections.map((section) => section.title)).toEqual(whole.sections.map((section) => section.title));
    expect(preview.headHash).toBe(whole.headHash);
    // What crosses IPC is bounded however long the period: no table carries more than a page.
    for (const section of preview.sections) expect(section.table?.rows.length ?? 0, section.title).toBeLessThanOrEqual(PREVIEW_ROWS);
  });

  it('takes a verification made beforehand when it reached the head the report prints, and verifies again when the ledger moved on', async () => {
    await roomWithHistory(s, 20);
    const input = { from: '2026-11-01', to: '2026-12-31' };
    const verified = await verifyStoredLedgerOnThread(s.db);
    let walkedHere = 0;
    const fresh = previewCustodyReport(s, input, () => (walkedHere += 1), verified);
    expect(walkedHere).toBe(0);
    // The same report as one that verifies the ledger itself (but for the time it was made).
    const itself = previewCustodyReport(s, input);
    expect({ ...fresh, generatedAt: itself.generatedAt, sections: fresh.sections.slice(1) }).toEqual({ ...itself, sections: itself.sections.slice(1) });
    addPlace(s, { name: 'Safe B' });
    const moved = previewCustodyReport(s, input, () => (walkedHere += 1), verified);
    expect(walkedHere).toBeGreaterThan(0);
    expect(moved.headHash).toBe(readHead(s.db).hash);
  });

  it('reads no further than its first rows of a table that is read as it is written', () => {
    const whole = buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' });
    let read = 0;
    const stream = {
      count: 100_000,
      *rows() {
        for (let i = 1; i <= 100_000; i += 1) {
          read += 1;
          yield [String(i), 'checked out'];
        }
      },
    };
    const long = { ...whole, sections: [{ title: 'Transactions in the period', table: { columns: [{ header: 'Entry', width: 0.5 }, { header: 'Event', width: 0.5 }], rows: stream, empty: 'none' } }] };
    const table = previewOf(long, 50).sections[0]!.table!;
    expect(table.total).toBe(100_000);
    expect(table.rows.map((row) => row[0])).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(read).toBeLessThanOrEqual(51);
  });

  it('marks each verdict the PDF sets in red or amber, cell by cell and line by line', () => {
    const whole = buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' });
    const marked = {
      ...whole,
      sections: [
        {
          title: 'Out now and overdue',
          lines: ['2 item(s) out of the safe; 1 overdue.', 'LEDGER DID NOT VERIFY at entry 7'],
          table: { columns: [{ header: 'Item', width: 0.5 }, { header: 'Expected back', width: 0.5 }], rows: [['YK-01', '2026-11-25 17:00 OVERDUE'], ['YK-02', '2026-11-26 09:00'], ['SC-01', 'EXPIRES in 20 days']], empty: 'none' },
        },
      ],
    };
    const section = previewOf(marked).sections[0]!;
    expect(section.lineEmphasis).toEqual([null, 'alert']);
    expect(section.table!.emphasis).toEqual([[null, 'alert'], null, [null, 'caution']]);
  });

  it('refuses a bad period as the report does', () => {
    expect(() => previewCustodyReport(s, { from: '2026-12-01', to: '2026-11-30' })).toThrow(/ends before it starts/);
  });
});
