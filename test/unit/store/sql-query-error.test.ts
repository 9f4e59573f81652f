// The SQL endpoint's answer to a failed query: the caller's fault is a 400 naming ClickHouse's
// reason; a store that is unreachable or says "not now" is a 503 with Retry-After.
import { queryError } from '../../../src/store/repositories/sql';
import { STORE_RETRY_AFTER_SECONDS } from '../../../src/store/store';

const LIMITS = { maxExecutionSeconds: 10, maxResultRows: 100, maxMemoryBytes: 1 << 30 };
const clickhouse = (type: string, message: string) =>
  Object.assign(new Error(message), { type, code: '0' });

describe('queryError', () => {
  it.each([
    ['TOO_MANY_SIMULTANEOUS_QUERIES', 'Too many simultaneous queries. Maximum: 100'],
    ['TOO_FEW_LIVE_REPLICAS', 'Number of alive replicas (0) is less than requested'],
  ])('%s is the store saying "not now": 503 store_unavailable with Retry-After', (type, msg) => {
    const err = queryError(clickhouse(type, msg), LIMITS);
    expect([err.status, err.code, err.retryAfterSeconds]).toEqual([
      503,
      'store_unavailable',
      STORE_RETRY_AFTER_SECONDS,
    ]);
    expect(err.message).toContain(type);
  });

  it.each([
    ['UNKNOWN_TABLE', 'query_failed'],
    ['TIMEOUT_EXCEEDED', 'query_timeout'],
    ['READONLY', 'read_only'],
  ])('%s is the query at fault: 400 %s', (type, code) => {
    const err = queryError(clickhouse(type, 'reason'), LIMITS);
    expect([err.status, err.code]).toEqual([400, code]);
  });

  it('a refused connection is 503 store_unavailable', () => {
    const err = queryError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }),
      LIMITS,
    );
    expect([err.status, err.code]).toEqual([503, 'store_unavailable']);
  });
});
