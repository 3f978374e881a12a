import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { localTime, type CustodyReport, type ReportSection, type ReportTable } from '../../core/reports/report';
import { checkOutputPath, writeAll, writeOutputFileSync } from '../output-file';

// The CLI and tests run as ES modules (import.meta.url); the Electron main bundle is CommonJS,
// where `require` exists and import.meta does not.
const requireHere: NodeJS.Require = typeof require === 'function' ? require : createRequire(import.meta.url);
// DejaVu ships with the app: every name, accent and symbol prints the same on every machine.
const FONT_DIR = requireHere.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf').replace(/DejaVuSans\.ttf$/, '');
const FONTS = { regular: `${FONT_DIR}DejaVuSans.ttf`, bold: `${FONT_DIR}DejaVuSans-Bold.ttf`, mono: `${FONT_DIR}DejaVuSansMono.ttf` };

export type PaperSize = 'A4' | 'LETTER';
const MARGIN = 48;
const FOOTER = 30;

type Doc = InstanceType<typeof PDFDocument>;

const HEADING_HEIGHT = 24;

/** A section heading, moved to the next page with what follows it when that would not fit under it. */
function heading(doc: Doc, text: string, following = 36): void {
  ensureRoom(doc, HEADING_HEIGHT + following);
  doc.moveDown(0.6).font('bold').fontSize(12).fillColor('black').text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.25);
}

const contentWidth = (doc: Doc) => doc.page.width - 2 * MARGIN;
const bottom = (doc: Doc) => doc.page.height - MARGIN - FOOTER;

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

const PAD = 3;

function rowHeight(doc: Doc, t: ReportTable, cells: readonly string[], bold: boolean): number {
  const width = contentWidth(doc);
  return Math.max(...cells.map((cell, i) => doc.font(bold ? 'bold' : t.columns[i]!.mono ? 'mono' : 'regular').fontSize(8).heightOfString(cell || ' ', { width: t.columns[i]!.width * width - 2 * PAD }))) + 2 * PAD;
}

/** The height of a section's first line, or of its table's header and first row: what a heading keeps with it. */
function firstBlockHeight(doc: Doc, section: ReportSection): number {
  const first = section.lines?.[0];
  if (first !== undefined) return doc.font('regular').fontSize(9).heightOfString(first, { width: contentWidth(doc) });
  const t = section.table;
  if (!t) return 0;
  if (t.rows.length === 0) return doc.font('regular').fontSize(9).heightOfString(t.empty, { width: contentWidth(doc) });
  return rowHeight(doc, t, t.columns.map((c) => c.header), true) + rowHeight(doc, t, t.rows[0]!, false);
}

/** Draws a table; rows that would not fit go to the next page, under a repeated header. */
function table(doc: Doc, t: ReportTable): void {
  const width = contentWidth(doc);
  const widths = t.columns.map((c) => c.width * width);
  const drawRow = (cells: readonly string[], header: boolean) => {
    const h = rowHeight(doc, t, cells, header);
    if (header) doc.rect(MARGIN, doc.y, width, h).fillColor('#e6e6e6').fill();
    let x = MARGIN;
    const top = doc.y;
    cells.forEach((cell, i) => {
      doc.font(header ? 'bold' : t.columns[i]!.mono ? 'mono' : 'regular').fontSize(8).fillColor('black').text(cell || ' ', x + PAD, top + PAD, { width: widths[i]! - 2 * PAD });
      x += widths[i]!;
    });
    doc.moveTo(MARGIN, top + h).lineTo(MARGIN + width, top + h).lineWidth(0.4).strokeColor('#999999').stroke();
    doc.y = top + h;
    doc.x = MARGIN;
  };
  const header = t.columns.map((c) => c.header);
  if (t.rows.length === 0) {
    doc.font('regular').fontSize(9).fillColor('black').text(t.empty, MARGIN, doc.y, { width });
    return;
  }
  ensureRoom(doc, rowHeight(doc, t, header, true) + rowHeight(doc, t, t.rows[0]!, false));
  drawRow(header, true);
  for (const row of t.rows) {
    if (doc.y + rowHeight(doc, t, row, false) > bottom(doc)) {
      doc.addPage();
      drawRow(header, true);
    }
    drawRow(row, false);
  }
}

function qr(doc: Doc, text: string, x: number, y: number, size: number): void {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = code.modules.size;
  const cell = size / (n + 8);
  doc.rect(x, y, size, size).fillColor('white').fill();
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) if (code.modules.get(r, c)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell).fillColor('black').fill();
  }
}

/** Lays the report out as a PDF: A4 or US Letter, black on white, every page footed with id, page and head. */
export async function writeReportPdf(report: CustodyReport, outPath: string, paper: PaperSize = 'A4'): Promise<{ pages: number }> {
  checkOutputPath(outPath);
  const doc = new PDFDocument({ size: paper, margin: MARGIN, bufferPages: true, info: { Title: `Keyward custody report ${report.id}`, Author: 'Keyward', Subject: `${report.organisation} — ${report.site}` } });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('mono', FONTS.mono);
  // Laid out in memory, then written whole (see writeOutputFileSync): a layout that fails leaves no file.
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
  const width = contentWidth(doc);

  doc.font('bold').fontSize(18).text('Custody report — emergency access credentials', { width });
  doc.moveDown(0.4).font('regular').fontSize(10);
  const facts: [string, string][] = [
    ['Organisation', report.organisation],
    ['Site', report.site],
    ['Period', `${localTime(report.from, report.utcOffset)} to ${localTime(report.to, report.utcOffset)}`],
    ['Generated', localTime(report.generatedAt, report.utcOffset)],
    ['Report id', report.id],
    ['Ledger head', `entry ${report.headSeq}, ${report.headHash}`],
  ];
  for (const [label, value] of facts) {
    doc.font('bold').text(`${label}: `, { continued: true }).font(label === 'Ledger head' ? 'mono' : 'regular').text(value, { width });
  }

  for (const section of report.sections) {
    heading(doc, section.title, firstBlockHeight(doc, section));
    for (const line of section.lines ?? []) doc.font('regular').fontSize(9).fillColor('black').text(line, MARGIN, doc.y, { width });
    if (section.lines?.length && section.table) doc.moveDown(0.3);
    if (section.table) table(doc, section.table);
  }

  heading(doc, 'Signatures', 70);
  const signers = report.signatories.length ? report.signatories : [{ name: '', role: 'Security officer' }, { name: '', role: 'Custodian' }];
  for (const signer of signers) {
    ensureRoom(doc, 70);
    const top = doc.y + 28;
    doc.moveTo(MARGIN, top).lineTo(MARGIN + width * 0.5, top).lineWidth(0.6).strokeColor('black').stroke();
    doc.moveTo(MARGIN + width * 0.58, top).lineTo(MARGIN + width, top).stroke();
    doc.font('regular').fontSize(8).fillColor('black');
    doc.text(`${signer.name || 'Name: ______________________'} — ${signer.role}`, MARGIN, top + 3, { width: width * 0.5 });
    doc.text(`Date and time, with time zone (e.g. UTC${report.utcOffset})`, MARGIN + width * 0.58, top + 3, { width: width * 0.42 });
    doc.y = top + 26;
  }

  heading(doc, 'How to verify this report', 170);
  const qrTop = doc.y;
  qr(doc, report.headHash, MARGIN, qrTop, 120);
  doc.font('regular').fontSize(9).fillColor('black').text(
    `The QR code holds the ledger head hash printed on every page: ${report.headHash}. ` +
      `It fixes the whole history up to entry ${report.headSeq}. To check that this paper matches the records, run ` +
      `"keyward ledger verify --expect-head ${report.headHash}" on the Keyward database, or verify an export ` +
      `("keyward ledger export" then "keyward ledger verify --file FILE --expect-head HASH", or the short script in the README). ` +
      `Verification fails if any entry up to this head was changed, removed or reordered.`,
    MARGIN + 135,
    qrTop,
    { width: width - 135 },
  );
  doc.y = Math.max(doc.y, qrTop + 125);

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i += 1) {
    doc.switchToPage(range.start + i);
    const y = doc.page.height - MARGIN - 12;
    doc.page.margins.bottom = 0; // writing in the footer must not open a new page
    doc.font('regular').fontSize(7).fillColor('black').text(`Keyward report ${report.id} · page ${i + 1} of ${range.count}`, MARGIN, y, { width, lineBreak: false });
    doc.font('mono').fontSize(6.5).text(`ledger head ${report.headHash}`, MARGIN, y + 9, { width, lineBreak: false });
    if (!report.verification.ok) {
      doc.page.margins.top = 0;
      doc.font('bold').fontSize(10).fillColor('#b00000').text(`LEDGER DID NOT VERIFY: entry ${report.verification.firstBadSeq ?? '?'}, ${report.verification.reason ?? 'failed'} — do not rely on this report`, MARGIN, 16, { width, lineBreak: false });
      doc.fillColor('black');
    }
  }
  doc.end();
  const bytes = await done;
  writeOutputFileSync(outPath, (fd) => writeAll(fd, bytes));
  return { pages: range.count };
}
