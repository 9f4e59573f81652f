// The statement check of the SQL endpoint, case by case: what it lets through to the read-only
// session and what it refuses (with which code) before the engine sees it.
import { checkReadOnlySql } from '../../../src/store/sql-guard';

describe('checkReadOnlySql', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['  select 1 ;  ', 'select 1'],
    [
      '-- why\nWITH a AS (SELECT 1) SELECT * FROM a',
      '-- why\nWITH a AS (SELECT 1) SELECT * FROM a',
    ],
    ['(SELECT 1) UNION ALL (SELECT 2)', '(SELECT 1) UNION ALL (SELECT 2)'],
    ['SHOW TABLES', 'SHOW TABLES'],
    ['DESCRIBE inference_requests', 'DESCRIBE inference_requests'],
    ['desc inference_requests', 'desc inference_requests'],
    ['EXPLAIN SELECT 1', 'EXPLAIN SELECT 1'],
    ['EXISTS TABLE alerts', 'EXISTS TABLE alerts'],
    ["SELECT format('{}', 'settings; drop') AS f", "SELECT format('{}', 'settings; drop') AS f"],
    ['SELECT `settings` FROM t', 'SELECT `settings` FROM t'],
  ])('lets %j through as %j', (query, sql) => {
    expect(checkReadOnlySql(query)).toEqual({ ok: true, sql });
  });

  it.each([
    ['', 'empty_query'],
    ['  ;  ', 'empty_query'],
    ['/* nothing */', 'empty_query'],
    ['SELECT 1; SELECT 2', 'multiple_statements'],
    ['SELECT 1;;SELECT 2', 'multiple_statements'],
    ['INSERT INTO t VALUES (1)', 'read_only'],
    ['ALTER TABLE t DELETE WHERE 1', 'read_only'],
    ['DROP TABLE t', 'read_only'],
    ['CREATE TABLE t (x UInt8) ENGINE = Memory', 'read_only'],
    ['OPTIMIZE TABLE t', 'read_only'],
    ['SYSTEM FLUSH LOGS', 'read_only'],
    ['KILL QUERY WHERE 1', 'read_only'],
    ['USE system', 'read_only'],
    ['SET readonly = 0', 'read_only'],
    ["SELECT 1 INTO OUTFILE 'x.csv'", 'read_only'],
    ['SELECT 1 SETTINGS readonly = 0', 'settings_not_allowed'],
    ['SELECT * FROM (SELECT 1 settings max_execution_time = 0)', 'settings_not_allowed'],
    ['SELECT 1 FORMAT CSV', 'format_not_allowed'],
    ["SELECT $$a$$; USE system; SELECT ''", 'multiple_statements'],
    ['SELECT $$a$$ AS h', 'unsupported_syntax'],
    ["SELECT $$ ' $$; USE system; SELECT ' '", 'sql_syntax'],
    ["SELECT 1 # '\n", 'sql_syntax'],
    ['SELECT 1 # x\n', 'unsupported_syntax'],
    ["SELECT 'unterminated", 'sql_syntax'],
    ['SELECT 1 /* open', 'sql_syntax'],
  ])('refuses %j with %s', (query, code) => {
    const verdict = checkReadOnlySql(query);
    expect(verdict).toMatchObject({ ok: false, code });
  });

  it('names the statement and the statements allowed', () => {
    expect(checkReadOnlySql('drop table t')).toEqual({
      ok: false,
      code: 'read_only',
      message:
        'DROP statements are refused: the SQL endpoint is read-only and runs only SELECT, WITH, SHOW, DESCRIBE, DESC, EXPLAIN, EXISTS statements',
    });
  });
});
