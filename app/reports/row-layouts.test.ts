import { describe, expect, it } from 'vitest';
import { RowLayouts } from './row-layouts';

describe('what measuring found for each row, kept as numbers', () => {
  it('gives back each row as measured from its text: heights, wrapped and shrunk cells, and what stands out', () => {
    const rows = new RowLayouts();
    const plain = ['1', 'returned', 'sealed H-000001'];
    const wrapped = ['2', 'checked out', 'broke H-000001  (TAMPERED); maintenance CHG-100000'];
    rows.add(plain, { height: 15.5, set: null, emphasis: null });
    const set = [undefined, { lines: ['checked', 'out'], size: 8, height: 19 }, { lines: ['broke H-000001', '(TAMPERED);', 'maintenance CHG-100000'], size: 7.5, height: 27 }];
    rows.add(wrapped, { height: 33, set, emphasis: [null, null, 'alert'] });
    // More rows than the arrays first hold.
    for (let i = 0; i < 3000; i += 1) rows.add(plain, { height: i, set: null, emphasis: null });
    expect(rows.length).toBe(3002);
    expect(rows.cells(0, plain)).toEqual({ height: 15.5, set: null, emphasis: null });
    expect(rows.cells(1, wrapped)).toEqual({ height: 33, set: set.map((s) => s && { ...s, height: 0 }), emphasis: [null, null, 'alert'] });
    expect(rows.height(3001)).toBe(2999);
  });

  it('keeps a cell whole whose lines are not pieces of its text in order', () => {
    const rows = new RowLayouts();
    const texts = ['a b c'];
    const odd = { lines: ['c', 'a b'], size: 8, height: 20 };
    rows.add(texts, { height: 26, set: [odd], emphasis: null });
    expect(rows.cells(0, texts).set).toEqual([odd]);
  });
});
