import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { emphasisOf } from '../../core/reports/report';
import { registerFonts, TextMeasure } from './pdf-text';

const doc = new PDFDocument({ autoFirstPage: false });
registerFonts(doc);
const measure = new TextMeasure(doc);
const joined = (lines: readonly string[]) => lines.join('');

describe('setting report text to a column', () => {
  it('measures as pdfkit draws: never narrower than the glyphs pdfkit lays out', () => {
    for (const font of ['regular', 'bold', 'mono'] as const) {
      for (const text of ['Alice Müller', 'bg1@contoso.onmicrosoft.com', 'broke S-3 (TAMPERED); emergency', 'AV To Wa 2026-11-25 10:00', '3f2504e0-4f89-11d3-9a0c-0305e82c3301']) {
        const drawn = doc.font(font).fontSize(8).widthOfString(text);
        expect(measure.unitWidth(text, font) * 8, `${font}: ${text}`).toBeGreaterThanOrEqual(drawn - 1e-6);
      }
    }
  });

  it('wraps at spaces and keeps each word whole when it fits', () => {
    const set = measure.set('broke S-000001 (intact); maintenance CHG-100001', 'regular', 8, 90);
    expect(set.lines.length).toBeGreaterThan(1);
    expect(set.lines.join(' ')).toBe('broke S-000001 (intact); maintenance CHG-100001');
    for (const line of set.lines) expect(measure.unitWidth(line, 'regular') * 8).toBeLessThanOrEqual(90 + 1e-6);
    expect(set.height).toBeCloseTo(set.lines.length * measure.unitLineHeight('regular') * 8);
  });

  it('breaks a value wider than its column only at a natural boundary: after "@" and "."', () => {
    const set = measure.set('bg1@contoso.onmicrosoft.com', 'regular', 8, 60);
    expect(set.size).toBe(8);
    expect(joined(set.lines)).toBe('bg1@contoso.onmicrosoft.com');
    for (const line of set.lines.slice(0, -1)) expect(line).toMatch(/[@.]$/);
  });

  it('shrinks a monospaced value (an object id, a hash, a serial) to fit on one line rather than break it', () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const set = measure.set(id, 'mono', 8, 120, true);
    expect(set.lines).toEqual([id]);
    expect(set.size).toBeLessThan(8);
    expect(measure.unitWidth(id, 'mono') * set.size).toBeLessThanOrEqual(120);
    // Wide enough: left as it is.
    expect(measure.set(id, 'mono', 8, 400, true)).toMatchObject({ lines: [id], size: 8 });
  });

  it('breaks by characters only what no column could hold even shrunk', () => {
    const set = measure.set('x'.repeat(200), 'regular', 8, 40);
    expect(joined(set.lines)).toBe('x'.repeat(200));
    for (const line of set.lines) expect(measure.unitWidth(line, 'regular') * set.size).toBeLessThanOrEqual(40 + 1e-6);
  });
});

describe('which values stand out', () => {
  it('sets verdicts in red and what is due in amber, and leaves the rest plain', () => {
    for (const text of ['ANOMALY', 'OVERDUE', 'NOT MET', 'INCIDENT', 'broke S-3 (TAMPERED); emergency', 'NO WITNESS', 'LEDGER DID NOT VERIFY: entry 7']) expect(emphasisOf(text), text).toBe('alert');
    for (const text of ['WARNING', 'UNKNOWN', 'EXPIRES in 20 days']) expect(emphasisOf(text), text).toBe('caution');
    for (const text of ['OK', 'returned', 'Overdue items are listed below', 'maintenance']) expect(emphasisOf(text), text).toBeNull();
  });
});
