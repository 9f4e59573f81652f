import { ClickHouseError } from '@clickhouse/client';
import { isNetworkError, isUnavailableError } from '../../../src/store/network-errors';

// An Error carrying a Node-style `code`, as node:net and undici throw them.
function withCode(code: string, message = `connect ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('isNetworkError', () => {
  it.each<[string, boolean, unknown]>([
    ['ECONNRESET', true, withCode('ECONNRESET')],
    ['ECONNREFUSED', true, withCode('ECONNREFUSED')],
    ['ETIMEDOUT', true, withCode('ETIMEDOUT')],
    ['EPIPE', true, withCode('EPIPE')],
    ['UND_ERR_SOCKET', true, withCode('UND_ERR_SOCKET', 'other side closed')],
    ["the client's 'Timeout error.'", true, new Error('Timeout error.')],
    ["node:http's 'socket hang up'", true, new Error('socket hang up')],
    [
      'an error caused by ECONNRESET',
      true,
      new Error('Query failed', { cause: withCode('ECONNRESET') }),
    ],
    ['a ClickHouse exception', false, new Error('Code: 62. DB::Exception: Syntax error')],
    ['an unknown code', false, withCode('EACCES')],
    [
      'a non-Error value with a network code',
      false,
      { code: 'ECONNRESET', message: 'socket hang up' },
    ],
    ['a string', false, 'ECONNRESET'],
    ['undefined', false, undefined],
  ])('%s → %s', (_name, expected, err) => {
    expect(isNetworkError(err)).toBe(expected);
  });
});

describe('isUnavailableError', () => {
  const exception = (type: string, code: string) =>
    new ClickHouseError({ message: `${type} happened. `, code, type });
  it.each<[string, boolean, unknown]>([
    ['a network failure', true, withCode('ECONNREFUSED')],
    ['TOO_MANY_PARTS from the client', true, exception('TOO_MANY_PARTS', '252')],
    ['TABLE_IS_READ_ONLY from the client', true, exception('TABLE_IS_READ_ONLY', '242')],
    [
      'KEEPER_EXCEPTION as a cause',
      true,
      new Error('insert', { cause: exception('KEEPER_EXCEPTION', '999') }),
    ],
    [
      'TOO_MANY_PARTS in the server text with its version',
      true,
      new Error(
        'Code: 252. DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 24.8.4.13 (official build))',
      ),
    ],
    ['a syntax error', false, exception('SYNTAX_ERROR', '62')],
    ['rows that do not parse', false, exception('CANNOT_PARSE_INPUT_ASSERTION_FAILED', '27')],
    ['MEMORY_LIMIT_EXCEEDED', false, exception('MEMORY_LIMIT_EXCEEDED', '241')],
    [
      'a type named in the middle of a message',
      false,
      new Error('Code: 62. DB::Exception: near (TOO_MANY_PARTS) here. (SYNTAX_ERROR)'),
    ],
    ['undefined', false, undefined],
  ])('%s → %s', (_name, expected, err) => {
    expect(isUnavailableError(err)).toBe(expected);
  });
});
