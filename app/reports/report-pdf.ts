import PDFDocument from 'pdfkit';
import type { StreamedReport } from '../../core/reports/report';
import { checkOutputPath, writeAll, writeOutputFile } from '../output-file';
import { registerFonts, TextMeasure, type Doc } from './pdf-text';
import { Flow, layReport, measureReport, type PageGeometry } from './report-layout';
import { PdfPainter, QR_SIZE, qrPath } from './report-painter';
import { withLeanHeap } from './lean-heap';

export type PaperSize = 'A4' | 'LETTER';
const PAPER: Record<PaperSize, readonly [number, number]> = { A4: [595.28, 841.89], LETTER: [612, 792] };
const MARGIN = 48;

/** How far the report has got: rows measured, then rows written (both out of every table row). */
export type ReportProgress = (step: 'measuring' | 'writing', rows: number, of: number) => void;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function verifyText(report: StreamedReport): string {
  return (
    `The QR code holds the ledger head hash printed on every page: ${report.headHash}. ` +
    `It fixes the whole history up to entry ${report.headSeq}. To check that this paper matches the records, run ` +
    `"keyward ledger verify --expect-head ${report.headHash}" on the Keyward database, or verify an export ` +
    `("keyward ledger export" then "keyward ledger verify --file FILE --expect-head HASH", or the short script in the README). ` +
    `Verification fails if any entry up to this head was changed, removed or reordered.`
  );
}

/**
 * Lays the report out as a tagged PDF (PDF/UA structure: headings, paragraphs, tables with header
 * cells; footers as pagination artifacts), A4 or US Letter, every page footed with the report id,
 * "page N of M", the ledger head and its QR code. Every row is measured once; a first walk over the
 * measured layout counts the pages, and the second writes each page to the file as it is finished,
 * so memory does not grow with the number of pages. The file is whole or absent (writeOutputFile).
 */
export function writeReportPdf(report: StreamedReport, outPath: string, paper: PaperSize = 'A4', progress?: ReportProgress): Promise<{ pages: number }> {
  return withLeanHeap(() => writePdf(report, outPath, paper, progress));
}

async function writePdf(report: StreamedReport, outPath: string, paper: PaperSize, progress?: ReportProgress): Promise<{ pages: number }> {
  checkOutputPath(outPath);
  const [width, height] = PAPER[paper];
  const geometry: PageGeometry = { width, height, margin: MARGIN, footer: QR_SIZE - 18 };
  const doc: Doc = new PDFDocument({
    size: paper,
    margin: MARGIN,
    autoFirstPage: false,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    info: { Title: `Keyward custody report ${report.id}`, Author: 'Keyward', Subject: `${report.organisation} — ${report.site}` },
  });
  registerFonts(doc);
  const measure = new TextMeasure(doc);
  const measured = measureReport(report, measure, geometry, verifyText(report), (rows, of) => progress?.('measuring', rows, of));
  const counting = new Flow(geometry);
  for (const _page of layReport(measured, counting));
  const pages = counting.page;
  const qr = qrPath(report.headHash);

  return writeOutputFile(outPath, async (fd) => {
    const ended = new Promise<void>((resolve, reject) => doc.on('end', resolve).on('error', reject));
    // pdfkit hands over many small pieces (three per object); they reach the file in blocks.
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pendingBytes) writeAll(fd, Buffer.concat(pending, pendingBytes));
      pending.length = 0;
      pendingBytes = 0;
    };
    doc.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 1 << 18) flush();
    });
    await nextTurn(); // the stream flows from here on: each finished page goes straight to the file
    const painter = new PdfPainter(doc, measure, report, geometry, pages, qr);
    const flow = new Flow(geometry, painter);
    for (const _page of layReport(measured, flow, painter)) {
      progress?.('writing', flow.rows, measured.rowCount);
      if (flow.page % FORGET_EVERY === 0) forgetGlyphLayouts(doc);
      await nextTurn();
    }
    painter.finish();
    progress?.('writing', measured.rowCount, measured.rowCount);
    if (flow.page !== pages) throw new Error(`the report was counted as ${pages} pages but laid out as ${flow.page}`);
    doc.end();
    await ended;
    flush();
    return { pages };
  });
}

/** Pages between two clearings of pdfkit's glyph layouts: a few MB of layouts at most, each laid out once per stretch. */
const FORGET_EVERY = 25;

/**
 * pdfkit keeps the glyph layout of every distinct word it has drawn for the document's life:
 * at 100,000 rows of ledger numbers, times and tickets that is most of the memory a report takes.
 * Cleared every few pages, a word is laid out again only when it recurs after a clearing.
 */
function forgetGlyphLayouts(doc: Doc): void {
  const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })._fontFamilies ?? {};
  for (const font of Object.values(fonts)) if (font.layoutCache) font.layoutCache = Object.create(null) as object;
}
