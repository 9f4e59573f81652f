import { splitStatements } from '../../../src/store/sql-split';

describe('splitStatements', () => {
  it.each<[string, string, string[]]>([
    ['a ; inside a string', "SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", 'SELECT 2']],
    ['a doubled quote', "SELECT 'it''s; fine'; SELECT 2", ["SELECT 'it''s; fine'", 'SELECT 2']],
    [
      'a backslash-escaped quote',
      "SELECT 'it\\'s; fine'; SELECT 2",
      ["SELECT 'it\\'s; fine'", 'SELECT 2'],
    ],
    [
      'an escaped backslash ending a string',
      "SELECT 'a\\\\'; SELECT 2",
      ["SELECT 'a\\\\'", 'SELECT 2'],
    ],
    [
      'a ; inside a double-quoted identifier',
      'SELECT "a;b" FROM t; SELECT 2',
      ['SELECT "a;b" FROM t', 'SELECT 2'],
    ],
    [
      'a ; inside a backtick identifier',
      'SELECT `a;``b` FROM t; SELECT 2',
      ['SELECT `a;``b` FROM t', 'SELECT 2'],
    ],
    [
      'a line comment holding ; and a quote',
      "SELECT 1 -- it's; fine\n; SELECT 2",
      ["SELECT 1 -- it's; fine", 'SELECT 2'],
    ],
    [
      'a block comment holding ; and quotes',
      'SELECT /* don\'t; "split" */ 1; SELECT 2',
      ['SELECT /* don\'t; "split" */ 1', 'SELECT 2'],
    ],
    [
      'a nested block comment',
      'SELECT /* a /* b; */ c; */ 1; SELECT 2',
      ['SELECT /* a /* b; */ c; */ 1', 'SELECT 2'],
    ],
    [
      'multiple statements over several lines',
      'CREATE TABLE a (x UInt8)\nENGINE = Memory;\n\nDROP TABLE a;\n',
      ['CREATE TABLE a (x UInt8)\nENGINE = Memory', 'DROP TABLE a'],
    ],
    ['a last statement without ;', 'SELECT 1;\n  SELECT 2  ', ['SELECT 1', 'SELECT 2']],
    ['a trailing comment-only chunk', 'SELECT 1;\n-- the end; really\n/* bye */\n', ['SELECT 1']],
    ['empty statements', ';; SELECT 1;;\n;', ['SELECT 1']],
    ['input holding only comments', '-- nothing here\n/* ; */', []],
    [
      'a leading comment kept with its statement',
      '-- spans\nCREATE TABLE s (x UInt8) ENGINE = Memory;',
      ['-- spans\nCREATE TABLE s (x UInt8) ENGINE = Memory'],
    ],
    [
      'a query parameter',
      'SELECT * FROM {db:Identifier}.t; SELECT 2',
      ['SELECT * FROM {db:Identifier}.t', 'SELECT 2'],
    ],
  ])('splits around %s', (_name, sql, expected) => {
    expect(splitStatements(sql)).toEqual(expected);
  });

  it.each<[string, string, RegExp]>([
    [
      'single-quoted string',
      "SELECT 1;\n\nSELECT 'abc;\nSELECT 2",
      /Unterminated single-quoted string .*line 3/,
    ],
    [
      'string ending in an escaped quote',
      "SELECT 'abc\\'",
      /Unterminated single-quoted string .*line 1/,
    ],
    [
      'double-quoted identifier',
      'SELECT 1;\nSELECT "abc',
      /Unterminated double-quoted identifier .*line 2/,
    ],
    ['backtick identifier', 'SELECT `abc', /Unterminated backtick-quoted identifier .*line 1/],
    ['block comment', 'SELECT 1;\n/* a /* b */\nSELECT 2', /Unterminated block comment .*line 2/],
  ])('throws on an unterminated %s, naming the line', (_name, sql, message) => {
    expect(() => splitStatements(sql)).toThrow(message);
  });
});
