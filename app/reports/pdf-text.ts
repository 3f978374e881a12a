import { createRequire } from 'node:module';
import type PDFDocument from 'pdfkit';

// The CLI, tests and benches run as ES modules (import.meta.url; an ES bundle's `require` is a stub
// that cannot resolve); the Electron main bundle is CommonJS, where import.meta is empty and `require` exists.
const requireHere: NodeJS.Require = typeof import.meta.url === 'string' ? createRequire(import.meta.url) : require;
// DejaVu ships with the app: every name, accent and symbol prints the same on every machine.
const FONT_DIR = requireHere.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf').replace(/DejaVuSans\.ttf$/, '');
export const FONTS = { regular: `${FONT_DIR}DejaVuSans.ttf`, bold: `${FONT_DIR}DejaVuSans-Bold.ttf`, mono: `${FONT_DIR}DejaVuSansMono.ttf` } as const;
export type FontName = keyof typeof FONTS;

export type Doc = InstanceType<typeof PDFDocument>;

export function registerFonts(doc: Doc): void {
  for (const [name, path] of Object.entries(FONTS)) doc.registerFont(name, path);
}

/** Text set to a width: its lines and the size they are set in (smaller than asked when a value had to shrink to fit whole). */
export interface SetText {
  readonly lines: readonly string[];
  readonly size: number;
  readonly height: number;
}

/** The smallest size a value shrinks to before it is broken by characters (a value no column can hold). */
const MIN_SIZE = 4.5;
/** A value breaks after these characters when it is wider than its column: UPNs at "@" and ".", ids at "-", paths at "/". */
const NATURAL_BREAK = /(?<=[@./\-_,;:)])/;

/**
 * Widths and line heights of the report's fonts, from each character's advance: every value is
 * measured once, without pdfkit's per-word glyph layout (kept in memory for the document's life).
 * Kerning only ever narrows DejaVu's pairs, so a line drawn is never wider than measured here.
 */
export class TextMeasure {
  readonly #advances = new Map<FontName, Map<string, number>>();
  readonly #lineHeights = new Map<FontName, number>();

  constructor(private readonly doc: Doc) {}

  /** Width at size 1. */
  unitWidth(text: string, font: FontName): number {
    let advances = this.#advances.get(font);
    if (!advances) this.#advances.set(font, (advances = new Map()));
    let width = 0;
    for (const ch of text) {
      let w = advances.get(ch);
      if (w === undefined) {
        w = this.doc.font(font).fontSize(1000).widthOfString(ch) / 1000;
        advances.set(ch, w);
      }
      width += w;
    }
    return width;
  }

  /** A line's height at size 1, as pdfkit advances it. */
  unitLineHeight(font: FontName): number {
    let h = this.#lineHeights.get(font);
    if (h === undefined) {
      h = this.doc.font(font).fontSize(1000).currentLineHeight(true) / 1000;
      this.#lineHeights.set(font, h);
    }
    return h;
  }

  /**
   * Sets text to a width. Words wrap at spaces; a word wider than the width breaks at natural
   * boundaries (after "@", ".", "-", "/") unless `whole` (hashes, serials, object ids), in which
   * case the text shrinks until its widest word fits: a value is never broken mid-token.
   */
  set(text: string, font: FontName, size: number, width: number, whole = false): SetText {
    const words = text.split(/\n/).map((p) => p.split(' '));
    const widest = Math.max(...words.flat().map((w) => this.unitWidth(w, font)));
    let fitted = size;
    if (widest * size > width) {
      const pieces = whole ? [] : words.flat().flatMap((w) => w.split(NATURAL_BREAK));
      const widestPiece = whole ? widest : Math.max(...pieces.map((p) => this.unitWidth(p, font)));
      if (widestPiece * size > width) fitted = Math.max(MIN_SIZE, Math.floor((width / widestPiece) * 10) / 10);
      if (whole && widest * fitted <= width) return this.#wrap(words, font, fitted, width, false);
    }
    return this.#wrap(words, font, fitted, width, !whole || widest * fitted > width);
  }

  #wrap(paragraphs: readonly (readonly string[])[], font: FontName, size: number, width: number, breakWords: boolean): SetText {
    const limit = width / size + 1e-9;
    const space = this.unitWidth(' ', font);
    const lines: string[] = [];
    for (const words of paragraphs) {
      let line = '';
      let lineWidth = 0;
      const put = (piece: string, pieceWidth: number, joiner: string) => {
        const joined = line === '' ? pieceWidth : lineWidth + (joiner ? space : 0) + pieceWidth;
        if (line !== '' && joined > limit) {
          lines.push(line);
          line = piece;
          lineWidth = pieceWidth;
        } else {
          line = line === '' ? piece : line + joiner + piece;
          lineWidth = joined;
        }
      };
      for (const word of words) {
        const w = this.unitWidth(word, font);
        if (w <= limit || !breakWords) {
          put(word, w, ' ');
          continue;
        }
        let joiner = ' ';
        for (const piece of splitToFit(word, limit, (p) => this.unitWidth(p, font))) {
          put(piece, this.unitWidth(piece, font), joiner);
          joiner = '';
        }
      }
      lines.push(line);
    }
    return { lines, size, height: lines.length * this.unitLineHeight(font) * size };
  }
}

/** A word too wide for its line, in pieces: at natural boundaries, and by characters only when a piece alone is still too wide. */
function splitToFit(word: string, limit: number, width: (text: string) => number): string[] {
  return word.split(NATURAL_BREAK).flatMap((piece) => {
    if (width(piece) <= limit) return [piece];
    const chars: string[] = [];
    let current = '';
    for (const ch of piece) {
      if (current !== '' && width(current + ch) > limit) {
        chars.push(current);
        current = '';
      }
      current += ch;
    }
    return current ? [...chars, current] : chars;
  });
}
