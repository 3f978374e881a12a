import type { Emphasis, StreamedReport } from '../../core/reports/report';
import QRCode from 'qrcode';
import type { Doc, FontName, SetText, TextMeasure } from './pdf-text';
import { WrittenStructure } from './written-structure';
import { BLOCK_HEADING, CELL_SIZE, PAD, SIGNATURE_HEIGHT, cellFont, type MeasuredLine, type MeasuredRow, type MeasuredSection, type MeasuredTable, type PageGeometry, type Painter } from './report-layout';

/** The QR code of the ledger head in each page's footer, in points: about 1.3 pt a module, read at 150 dpi. */
export const QR_SIZE = 58;
const COLOURS: Record<Emphasis | 'plain', string> = { alert: '#b00000', caution: '#8a4b00', plain: 'black' };

type Structure = ReturnType<Doc['struct']>;

/** The QR code of a text as one path of its dark runs, in module units inside a four-module quiet zone: drawn as one fill per page. */
export function qrPath(text: string): { readonly modules: number; readonly path: string } {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = code.modules.size;
  const runs: string[] = [];
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; ) {
      if (!code.modules.get(r, c)) {
        c += 1;
        continue;
      }
      const start = c;
      while (c < n && code.modules.get(r, c)) c += 1;
      runs.push(`${start + 4} ${r + 4} ${c - start} 1 re`);
    }
  }
  return { modules: n + 8, path: runs.join('\n') };
}

/**
 * Draws the measured report into pdfkit with its tagged structure: Document > Sect > H1/H2, P,
 * Table > TR > TH/TD, Figure; page footers, rules and shading are artifacts, outside the structure.
 */
export class PdfPainter implements Painter {
  readonly #root: Structure;
  readonly #written: WrittenStructure;
  #section: Structure | null = null;
  #table: Structure | null = null;
  /** The fill colour set last on this page: pdfkit writes a colour operator each time one is set. */
  #fill = '';
  /** Where this page's row rules go; drawn together as one artifact when the page is done. */
  #rules: { readonly y: number; readonly left: number; readonly right: number }[] = [];

  constructor(
    private readonly doc: Doc,
    private readonly measure: TextMeasure,
    private readonly report: StreamedReport,
    private readonly geometry: PageGeometry,
    private readonly pages: number,
    private readonly qr: ReturnType<typeof qrPath>,
  ) {
    this.#root = doc.struct('Document');
    doc.addStructure(this.#root);
    this.#written = new WrittenStructure(doc, this.#root);
  }

  get #width(): number {
    return this.geometry.width - 2 * this.geometry.margin;
  }

  #colour(colour: string): void {
    if (colour === this.#fill) return;
    this.doc.fillColor(colour);
    this.#fill = colour;
  }

  /** Draws set text, one line at a time at measured places: pdfkit never wraps it again. */
  #draw(set: SetText, font: FontName, x: number, y: number, colour = 'black'): void {
    const lineHeight = this.measure.unitLineHeight(font) * set.size;
    this.#colour(colour);
    this.doc.font(font).fontSize(set.size);
    set.lines.forEach((line, i) => this.doc.text(line, x, y + i * lineHeight, { lineBreak: false }));
  }

  /** Content inside one structure element of its own. */
  #tagged(type: string, parent: Structure, draw: () => void, options: Record<string, string> = {}): Structure {
    const element = this.doc.struct(type, options);
    parent.add(element);
    element.add(this.doc.markStructureContent(type));
    draw();
    this.doc.endMarkedContent();
    element.end();
    return element;
  }

  #artifact(type: 'Pagination' | 'Layout', draw: () => void): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }

  #qr(x: number, y: number, size: number): void {
    const { doc } = this;
    doc.save().rect(x, y, size, size).fill('white');
    doc.translate(x, y).scale(size / this.qr.modules);
    doc.addContent(this.qr.path).fill('black').restore();
  }

  #drawRules(): void {
    if (!this.#rules.length) return;
    const { doc } = this;
    this.#artifact('Layout', () => {
      for (const rule of this.#rules) doc.moveTo(rule.left, rule.y).lineTo(rule.right, rule.y);
      doc.lineWidth(0.4).strokeColor('#999999').stroke();
    });
    this.#rules = [];
  }

  page(number: number): void {
    const { doc, report, geometry } = this;
    this.#drawRules();
    this.#written.pageFinished(this.#table);
    doc.addPage({ size: [geometry.width, geometry.height], margin: geometry.margin });
    this.#fill = '';
    const y = geometry.height - geometry.margin - 4;
    this.#artifact('Pagination', () => {
      this.#colour('black');
      doc.font('regular').fontSize(7).text(`Keyward report ${report.id} · page ${number} of ${this.pages}`, geometry.margin, y, { lineBreak: false });
      doc.font('mono').fontSize(6.5).text(`ledger head ${report.headHash}`, geometry.margin, y + 9, { lineBreak: false });
      this.#qr(geometry.width - geometry.margin - QR_SIZE + 6, geometry.height - QR_SIZE - 14, QR_SIZE);
    });
    if (!report.verification.ok) {
      const v = report.verification;
      this.#tagged('P', this.#root, () => {
        this.#colour(COLOURS.alert);
        doc.font('bold').fontSize(10).text(`LEDGER DID NOT VERIFY: entry ${v.firstBadSeq ?? '?'}, ${v.reason ?? 'failed'} — do not rely on this report`, geometry.margin, 16, { lineBreak: false });
      });
    }
  }

  title(set: SetText, y: number): void {
    this.#tagged('H1', this.#root, () => this.#draw(set, 'bold', this.geometry.margin, y));
  }

  fact(_label: string, value: SetText, mono: boolean, y: number): void {
    this.#tagged('P', this.#root, () => this.#draw(value, mono ? 'mono' : 'regular', this.geometry.margin, y));
  }

  sectionStart(section: MeasuredSection): void {
    this.#section = this.doc.struct('Sect', { title: section.title });
    this.#root.add(this.#section);
  }

  heading(section: MeasuredSection, y: number): void {
    this.#tagged('H2', this.#section!, () => this.#draw(section.heading, 'bold', this.geometry.margin, y));
  }

  line(line: MeasuredLine, y: number): void {
    this.#tagged('P', this.#section!, () => this.#draw(line.set, line.font, this.geometry.margin, y, COLOURS[line.emphasis ?? 'plain']));
  }

  tableStart(_table: MeasuredTable): void {
    this.#table = this.doc.struct('Table');
    this.#section!.add(this.#table);
  }

  row(table: MeasuredTable, row: MeasuredRow, header: boolean, y: number, repeated = false): void {
    const { doc } = this;
    const left = this.geometry.margin;
    const width = this.#width;
    if (header) {
      this.#artifact('Layout', () => doc.rect(left, y, width, row.height).fill('#e6e6e6'));
      this.#fill = '#e6e6e6';
    }
    const drawCell = (cell: MeasuredRow['cells'][number], i: number, x: number) => {
      const emphasis = row.emphasis?.[i] ?? null;
      const set: SetText = typeof cell === 'string' ? { lines: [cell], size: CELL_SIZE, height: 0 } : cell;
      this.#draw(set, cellFont(table.source, i, header, emphasis), x + PAD, y + PAD, COLOURS[emphasis ?? 'plain']);
    };
    if (repeated) {
      this.#artifact('Pagination', () => row.cells.reduce((x, cell, i) => (drawCell(cell, i, x), x + table.widths[i]!), left));
    } else {
      const tr = doc.struct('TR');
      this.#table!.add(tr);
      row.cells.reduce((x, cell, i) => {
        this.#tagged(header ? 'TH' : 'TD', tr, () => drawCell(cell, i, x), header ? { scope: 'Column' } : {});
        return x + table.widths[i]!;
      }, left);
      tr.end();
    }
    this.#rules.push({ y: y + row.height, left, right: left + width });
  }

  tableEnd(): void {
    this.#table?.end();
    this.#table = null;
  }

  sectionEnd(): void {
    this.#section?.end();
    this.#section = null;
  }

  signatures(y: number): void {
    const { doc, report } = this;
    const left = this.geometry.margin;
    const width = this.#width;
    const section = doc.struct('Sect', { title: 'Signatures' });
    this.#root.add(section);
    this.#colour('black');
    this.#tagged('H2', section, () => doc.font('bold').fontSize(12).text('Signatures', left, y + 7, { lineBreak: false }));
    const signers = report.signatories.length ? report.signatories : [{ name: '', role: 'Security officer' }, { name: '', role: 'Custodian' }];
    signers.forEach((signer, i) => {
      const line = y + BLOCK_HEADING + i * SIGNATURE_HEIGHT + 28;
      this.#artifact('Layout', () => {
        doc.moveTo(left, line).lineTo(left + width * 0.5, line).lineWidth(0.6).strokeColor('black').stroke();
        doc.moveTo(left + width * 0.58, line).lineTo(left + width, line).stroke();
      });
      this.#tagged('P', section, () => {
        doc.font('regular').fontSize(8);
        doc.text(`${signer.name || 'Name: ______________________'} — ${signer.role}`, left, line + 3, { lineBreak: false });
        doc.text(`Date and time, with time zone (e.g. UTC${report.utcOffset})`, left + width * 0.58, line + 3, { lineBreak: false });
      });
    });
    section.end();
  }

  verify(text: SetText, y: number): void {
    const { doc, report } = this;
    this.#colour('black');
    const left = this.geometry.margin;
    const section = doc.struct('Sect', { title: 'How to verify this report' });
    this.#root.add(section);
    this.#tagged('H2', section, () => doc.font('bold').fontSize(12).text('How to verify this report', left, y + 7, { lineBreak: false }));
    const top = y + BLOCK_HEADING;
    this.#tagged('Figure', section, () => this.#qr(left, top, 120), { alt: `QR code of the ledger head hash ${report.headHash}` });
    this.#tagged('P', section, () => this.#draw(text, 'regular', left + 135, top));
    section.end();
  }

  finish(): void {
    this.#drawRules();
    this.#written.pageFinished(this.#table);
    this.#root.end();
  }
}
