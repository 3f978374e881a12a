import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { roomWithHistory } from '../../test/support/custody-history';
import { ACCOUNT_1, openTestSession } from '../../test/support/session';
import { addAccount } from '../inventory/inventory';
import { buildCustodyReport, gatherCustodyReport } from './report';
import { writeReportPdf } from './report-pdf';
import { WrittenStructure } from './written-structure';

describe('writing the report PDF', () => {
  let s: ReturnType<typeof openTestSession>;
  let folder: string;
  beforeEach(() => {
    s = openTestSession();
    addAccount(s, ACCOUNT_1);
    folder = join(s.dir, 'reports');
    mkdirSync(folder);
  });
  afterEach(() => s.close());

  const report = () => buildCustodyReport(s, { from: '2026-11-01', to: '2026-11-30' });

  it('writes the PDF and nothing else', async () => {
    const { pages } = await writeReportPdf(report(), join(folder, 'report.pdf'));
    expect(pages).toBeGreaterThan(0);
    expect(readdirSync(folder)).toEqual(['report.pdf']);
    expect(readFileSync(join(folder, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('leaves the previous PDF and no temporary file behind when the writing fails part of the way through', async () => {
    for (let i = 0; i < 120; i += 1) addAccount(s, { upn: `bg${i + 10}@contoso.onmicrosoft.com`, objectId: `3f2504e0-4f89-11d3-9a0c-${String(i).padStart(12, '0')}` });
    const target = join(folder, 'report.pdf');
    writeFileSync(target, 'the previous report');
    const sound = report();
    // Each page's footer reads the head; once the file is being written, the third such reading fails, as a bug there would.
    let footers = 0;
    const writing = () => readdirSync(folder).some((name) => name.startsWith('report.pdf.partial-'));
    const failing = Object.defineProperty({ ...sound }, 'headHash', {
      get: () => {
        if (writing() && (footers += 1) > 2) throw new Error('the third page cannot be written');
        return sound.headHash;
      },
    });
    await expect(writeReportPdf(failing, target)).rejects.toThrow('the third page cannot be written');
    expect(readdirSync(folder)).toEqual(['report.pdf']);
    expect(readFileSync(target, 'utf8')).toBe('the previous report');
  });

  it('writes the same file, byte for byte, whether or not what pdfkit keeps of finished pages is cut down to object numbers', async () => {
    const h = openTestSession();
    await roomWithHistory(h, 400);
    const history = gatherCustodyReport(h, { from: '2026-11-01', to: '2026-12-31' });
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-25T12:00:00Z') }); // the file holds its creation date
    try {
      const compacted = await writeReportPdf(history, join(folder, 'compacted.pdf'));
      vi.spyOn(WrittenStructure.prototype, 'pageFinished').mockImplementation(() => undefined);
      const kept = await writeReportPdf(history, join(folder, 'kept.pdf'));
      expect(compacted.pages).toBeGreaterThan(10);
      expect(kept).toEqual(compacted);
      expect(readFileSync(join(folder, 'compacted.pdf')).equals(readFileSync(join(folder, 'kept.pdf')))).toBe(true);
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
      h.close();
    }
  });

  it('refuses a missing folder and a folder given as the file before laying anything out', async () => {
    await expect(writeReportPdf(report(), join(folder, 'missing', 'report.pdf'))).rejects.toMatchObject({ code: 'invalid_input', field: 'out', message: expect.stringContaining('does not exist') });
    await expect(writeReportPdf(report(), folder)).rejects.toMatchObject({ code: 'invalid_input', message: `cannot write ${folder}: it is a folder; give the path of a file` });
    expect(readdirSync(folder)).toEqual([]);
  });
});
