// The SQL answer's three renderings: JSON rows, RFC 4180 CSV, aligned plain text.
import { renderCsv, renderSqlResult, renderTable, toSqlJson } from '../../../src/sql/render';
import type { SqlResult } from '../../../src/store/repositories/sql';

const result = (rows: unknown[][], truncated = false): SqlResult => ({
  columns: [
    { name: 'model', type: 'String' },
    { name: 'n', type: 'UInt64' },
    { name: 'tags', type: 'Array(String)' },
    { name: 'p', type: 'Nullable(Float64)' },
  ],
  rows,
  truncated,
  maxResultRows: 2,
  elapsedMs: 3,
});

describe('renderCsv', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['', ''],
  ])('quotes %j as %j', (text, field) => {
    const csv = renderCsv({ columns: [{ name: 'x', type: 'String' }], rows: [[text]] });
    expect(csv).toBe(`x\r\n${field}\r\n`);
  });

  it('writes NULL as an empty field and nested values as JSON', () => {
    expect(renderCsv(result([['m', '7', ['a', 'b'], null]]))).toBe(
      'model,n,tags,p\r\nm,7,"[""a"",""b""]",\r\n',
    );
  });
});

describe('renderTable', () => {
  it('aligns columns, right-aligns numbers, shows NULL and escapes control characters', () => {
    expect(
      renderTable(
        result([
          ['chimera', '12', [], 0.5],
          ['a\tb\nc', '7', ['x'], null],
        ]),
      ),
    ).toBe(
      [
        'model     n  tags      p',
        '-------  --  -----  ----',
        'chimera  12  []      0.5',
        'a\\tb\\nc   7  ["x"]  NULL',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('says when rows were truncated, and counts one row', () => {
    expect(renderTable(result([['m', '1', [], 1]], true))).toMatch(
      /\n\(first 1 rows: truncated at max_result_rows = 2\)\n$/,
    );
    expect(renderTable(result([['m', '1', [], 1]]))).toMatch(/\n\(1 row\)\n$/);
    expect(renderTable(result([]))).toBe('model  n  tags  p\n-----  -  ----  -\n(0 rows)\n');
  });
});

describe('toSqlJson and renderSqlResult', () => {
  it('keys rows by column name and keeps the truncation flag', () => {
    expect(toSqlJson(result([['m', '1', ['a'], null]], true))).toEqual({
      columns: result([]).columns,
      rows: [{ model: 'm', n: '1', tags: ['a'], p: null }],
      rowCount: 1,
      truncated: true,
      maxResultRows: 2,
      elapsedMs: 3,
    });
    expect(renderSqlResult(result([]), 'json').contentType).toMatch(/^application\/json/);
    expect(renderSqlResult(result([]), 'csv').contentType).toMatch(/^text\/csv/);
    expect(renderSqlResult(result([]), 'table').contentType).toMatch(/^text\/plain/);
  });
});
