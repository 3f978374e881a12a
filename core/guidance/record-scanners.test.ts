import { describe, expect, it } from 'vitest';
import { CsvScanner, JsonRecordScanner, SCAN_LIMITS } from './record-scanners';

/** Feeds `text` in chunks of `step` characters; returns the records' ids, or throws the first fault. */
function scanJson(text: string, step = 7): unknown[] {
  const found: unknown[] = [];
  const scanner = new JsonRecordScanner((record) => found.push((record as { id?: unknown }).id));
  // An empty chunk between the others changes nothing (a decoder may hand one on).
  for (let i = 0; i < text.length; i += step) {
    scanner.push(text.slice(i, i + step));
    scanner.push('');
  }
  scanner.end();
  return found;
}

function scanCsv(text: string, step = 7): string[][] {
  const rows: string[][] = [];
  const scanner = new CsvScanner((fields) => rows.push(fields));
  for (let i = 0; i < text.length; i += step) scanner.push(text.slice(i, i + step));
  scanner.end();
  return rows;
}

describe('scanning JSON exports strictly', () => {
  it('reads pages, arrays and JSON Lines alike whatever the chunk size, telling each record its line, column and page', () => {
    const text = '{"@odata.context":"ctx","value":[{"id":"a"},\n {"id":"b","note":"} ] \\" {"}],"@odata.nextLink":"n"}\n[{"id":"c"}]\n{"id":"d"}';
    for (const step of [1, 2, 5, 64 * 1024]) expect(scanJson(text, step)).toEqual(['a', 'b', 'c', 'd']);
    const places: unknown[] = [];
    const scanner = new JsonRecordScanner((_, place) => places.push(place));
    scanner.push(text);
    expect(scanner.end()).toBe(4);
    expect(places).toEqual([
      { line: 1, column: 34, index: 0, page: { '@odata.context': 'ctx', value: [] } },
      { line: 2, column: 2, index: 1, page: { '@odata.context': 'ctx', value: [] } },
      { line: 3, column: 2, index: 2, page: null },
      { line: 4, column: 1, index: 3, page: null },
    ]);
  });

  it('refuses a number on a line of JSON Lines, naming its line and column', () => {
    expect(() => scanJson('{"id":"a"}\n{"id":"b"}\n42\n{"id":"c"}')).toThrow(/^line 3, column 1: expected a record \(a JSON object\), a Graph page or an array of records; found "42\\n/);
  });

  it('refuses a line of plain text between records', () => {
    expect(() => scanJson('{"id":"a"}\n  not json\n', 64 * 1024)).toThrow(/^line 2, column 3: expected a record .* found "not json/);
  });

  it('refuses an array of numbers: [1,2,3]', () => {
    expect(() => scanJson('[1,2,3]')).toThrow(/^line 1, column 2: record 1 is not a JSON object: it begins "1,2,3]"/);
  });

  it('reads [] as no records at all, for the import to refuse', () => {
    expect(scanJson('[]')).toEqual([]);
    expect(scanJson('{"value":[]}')).toEqual([]);
    expect(scanJson('')).toEqual([]);
  });

  it('refuses arrays nested 200,000 deep at once, without recursion or growing memory', () => {
    expect(() => scanJson('['.repeat(200_000), 64 * 1024)).toThrow(/^line 1, column 2: record 1 is not a JSON object: it begins "\[\[\[/);
    expect(() => scanJson(`{"id":${'['.repeat(200_000)}`, 64 * 1024)).toThrow(new RegExp(`^line 1, column ${6 + SCAN_LIMITS.depth}: objects and arrays nested deeper than ${SCAN_LIMITS.depth} levels`));
  });

  it('refuses a comma too many, a comma missing, and a bracket that closes the wrong thing', () => {
    expect(() => scanJson('[{"id":"a"},]')).toThrow(/^line 1, column 13: a comma before "\]" \(after record 1\)/);
    expect(() => scanJson('[{"id":"a"} {"id":"b"}]')).toThrow(/^line 1, column 13: expected "," or "\]" after record 1/);
    expect(() => scanJson('{"id":["a"}')).toThrow(/^line 1, column 11: "}" where an array should close/);
  });

  it('names the line and column of a syntax error inside a record, and of one in a page\'s own members', () => {
    expect(() => scanJson('{"id":"a"}\n{"id": 1,\n "ok": tru}')).toThrow(/^line 3, column 11: record 2 is not valid JSON: Unexpected token/);
    expect(() => scanJson('{"id":"a"}\n{"id":"b" "x":1}')).toThrow(/^line 2, column 11: record 2 is not valid JSON: Expected ',' or '}' after property value$/);
    expect(() => scanJson('{"@odata.context":"x",\n"value":[{"id":"a"}],\n"@odata.nextLink":}')).toThrow(/^line 3, column 19: the end of this Graph page is not valid JSON/);
    expect(() => scanJson('{"@odata.context" "x","value":[{"id":"a"}]}')).toThrow(/^line 1, column 19: this Graph page is not valid JSON/);
  });

  it('refuses a page with a second "value", however it is spelled, rather than drop its records', () => {
    expect(() => scanJson('{"value":[{"id":"a"}],"value":[{"id":"b"}]}')).toThrow(/^line 1, column 23: this page has a second "value"/);
    expect(() => scanJson('{"value":[{"id":"a"}],"valu\\u0065":[{"id":"b"}]}')).toThrow(/this page has a second "value"/);
  });

  it('stops a string with no closing quote at the field limit, naming where it opens', () => {
    const scanner = new JsonRecordScanner(() => undefined);
    scanner.push('{"id":"a"}\n{"id":"');
    const chunk = 'x'.repeat(64 * 1024);
    expect(() => {
      for (let i = 0; i < 1000; i += 1) scanner.push(chunk);
    }).toThrow(/^line 2, column 7: a string longer than 65,536 characters begins here \(an unclosed quote\?\)/);
  });

  it('stops a record larger than the record limit, naming where it opens', () => {
    const scanner = new JsonRecordScanner(() => undefined, { ...SCAN_LIMITS, record: 1000 });
    expect(() => scanner.push(`{"id":"a","a":[${'1,'.repeat(600)}1]}`)).toThrow(/^line 1, column 1: record 1, which begins here, is longer than 1,000 characters/);
  });

  it('names the end of a file cut off inside a record', () => {
    expect(() => scanJson('{"value":[{"id":"a"},{"id":"b"')).toThrow(/^line 1, column 31: the JSON ends in the middle of record 2 \(truncated file\?\)/);
    expect(() => scanJson('[{"id":"a"},')).toThrow(/the JSON ends in the middle of a page or an array of records/);
  });
});

describe('scanning CSV exports strictly', () => {
  it('reads quoted commas, doubled quotes, line breaks in quotes, CRLF and blank lines, whatever the chunk size', () => {
    const text = 'a,b,c\r\n1,"2 ""q"",\nx",3\r\n\r\n4,,""\n';
    for (const step of [1, 3, 64 * 1024]) expect(scanCsv(text, step)).toEqual([['a', 'b', 'c'], ['1', '2 "q",\nx', '3'], ['4', '', '']]);
  });

  it('stops an unclosed quote at the field limit, naming the line and column where it opens', () => {
    const scanner = new CsvScanner(() => undefined);
    scanner.push('a,b,c\n1,2,3\n4,"5');
    const chunk = 'x,\n'.repeat(20_000);
    expect(() => {
      for (let i = 0; i < 1000; i += 1) scanner.push(chunk);
    }).toThrow(/^line 3, column 3: the quoted field that opens here runs past 65,536 characters \(an unclosed quote\?\)/);
  });

  it('refuses a file that ends inside a quoted field', () => {
    expect(() => scanCsv('a,b\n1,"2\n3')).toThrow(/^line 2, column 3: the CSV ends inside the quoted field that opens here/);
  });

  it('refuses a quote inside an unquoted field', () => {
    expect(() => scanCsv('a,b\n1,2"3\n')).toThrow(/^line 2, column 4: a quote inside a field that does not begin with one/);
  });

  it('refuses text after a closing quote', () => {
    expect(() => scanCsv('a,b\n1,"2"3\n')).toThrow(/^line 2, column 6: after a quoted field comes "3\\n"/);
  });

  it('refuses an extra field, naming where it starts', () => {
    expect(() => scanCsv('a,b,c\n1,2,3\n4,5,6,7\n')).toThrow(/^line 3, column 7: a field too many: the header has 3 columns/);
  });

  it('refuses a row with fewer fields than the header', () => {
    expect(() => scanCsv('a,b,c\n1,2\n')).toThrow(/^line 2, column 4: the row ends after 2 fields; the header has 3 columns/);
  });

  it('refuses a carriage return without its line feed', () => {
    expect(() => scanCsv('a,b\r1,2\n')).toThrow(/^line 1, column 5: a carriage return without a line feed after it/);
  });

  it('refuses a row longer than the row limit', () => {
    const scanner = new CsvScanner(() => undefined, { ...SCAN_LIMITS, field: 100, record: 250 });
    expect(() => scanner.push(`${'x,'.repeat(200)}\n`)).toThrow(/^line 1, column 1: a row longer than 250 characters begins here/);
  });
});
