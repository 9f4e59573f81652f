import { isNetworkError } from '../../../src/store/network-errors';

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
