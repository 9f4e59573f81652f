import {
  type AttemptOutcome,
  backoffMs,
  classifyResponse,
  DEFAULT_RETRY_POLICY,
  nextStep,
  type OutboxRetryPolicy,
  parseRetryAfter,
} from '../../../src/outbox/retry-policy';

const NOW = new Date('2026-03-01T12:00:00Z');
const policy: OutboxRetryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 600_000,
  maxAttempts: 5,
  maxAgeMs: 24 * 3600_000,
};
const fixed = (r: number) => () => r;

describe('parseRetryAfter', () => {
  it.each<[string | null | undefined, number | undefined]>([
    ['2', 2000],
    ['0', 0],
    [' 120 ', 120_000],
    ['Sun, 01 Mar 2026 12:00:05 GMT', 5000],
    ['Sunday, 01-Mar-26 12:00:30 GMT', 30_000],
    ['Sun, 01 Mar 2026 11:59:00 GMT', 0], // a date in the past: retry now
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%p → %p ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('classifyResponse', () => {
  it.each<[number, string | null, AttemptOutcome['kind'], number | undefined]>([
    [200, null, 'delivered', undefined],
    [204, null, 'delivered', undefined],
    [503, '2', 'retryable', 2000],
    [429, '7', 'retryable', 7000],
    [503, null, 'retryable', undefined],
    [502, null, 'retryable', undefined],
    [504, null, 'retryable', undefined],
    [500, null, 'retryable', undefined],
    [408, null, 'retryable', undefined],
    [400, '5', 'failed', undefined],
    [401, null, 'failed', undefined],
    [404, null, 'failed', undefined],
    [422, null, 'failed', undefined],
    [302, null, 'failed', undefined],
    [410, null, 'disabled', undefined],
  ])('%d (Retry-After %p) → %s, retry after %p ms', (status, retryAfter, kind, wait) => {
    const outcome = classifyResponse(status, retryAfter, 'nope', NOW);
    expect(outcome.kind).toBe(kind);
    expect(outcome.statusCode).toBe(status);
    expect(outcome.kind === 'retryable' ? outcome.retryAfterMs : undefined).toBe(wait);
    if (outcome.kind !== 'delivered') expect(outcome.error).toBe(`HTTP ${status}: nope`);
  });

  it('records the status alone when the body was empty', () => {
    expect(classifyResponse(400, null, '', NOW)).toEqual({
      kind: 'failed',
      statusCode: 400,
      error: 'HTTP 400',
    });
  });
});

describe('backoffMs (full jitter)', () => {
  it.each([
    // attempt, random, expected
    [1, 0, 0],
    [1, 0.5, 500],
    [1, 0.999, 999],
    [2, 0.5, 1000],
    [3, 0.5, 2000],
    [10, 0.5, 256_000],
    [11, 0.5, 300_000], // 1024 s ceiling capped at 600 s
    [30, 0.999, 599_400],
  ])('retry %d with random %d waits %d ms', (attempt, r, expected) => {
    expect(backoffMs(attempt, policy, fixed(r))).toBe(expected);
  });

  it('stays within [0, min(cap, base·2^(n-1))) for any random draw', () => {
    for (let attempt = 1; attempt <= 25; attempt++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      for (const r of [0, 0.25, 0.5, 0.9999]) {
        const wait = backoffMs(attempt, policy, fixed(r));
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceiling);
      }
    }
  });
});

describe('nextStep', () => {
  const created = NOW.getTime();
  const retry503: AttemptOutcome = { kind: 'retryable', statusCode: 503, error: 'HTTP 503' };

  it.each<[string, AttemptOutcome, number, number, ReturnType<typeof nextStep>]>([
    ['2xx is delivered', { kind: 'delivered', statusCode: 200 }, 1, 0, { status: 'delivered' }],
    [
      '400 fails with its error',
      { kind: 'failed', statusCode: 400, error: 'HTTP 400: bad' },
      1,
      0,
      { status: 'failed', error: 'HTTP 400: bad' },
    ],
    [
      '410 disables',
      { kind: 'disabled', statusCode: 410, error: 'HTTP 410' },
      1,
      0,
      { status: 'disabled', error: 'HTTP 410' },
    ],
    [
      'Retry-After wins over backoff',
      { ...retry503, retryAfterMs: 2000 },
      3,
      10_000,
      { status: 'pending', nextAttemptAtMs: created + 12_000 },
    ],
    [
      'without Retry-After: backoff of the attempt number',
      retry503,
      3,
      10_000,
      { status: 'pending', nextAttemptAtMs: created + 10_000 + 2000 },
    ],
    [
      'gives up when the attempts are spent',
      retry503,
      5,
      0,
      { status: 'failed', error: 'gave up after 5 attempts; last: HTTP 503' },
    ],
    [
      'gives up when the retry would pass the maximum age',
      { ...retry503, retryAfterMs: 3600_000 },
      2,
      23 * 3600_000 + 1,
      {
        status: 'failed',
        error: 'gave up: next attempt would pass the maximum age; last: HTTP 503',
      },
    ],
    [
      'retries at exactly the maximum age',
      { ...retry503, retryAfterMs: 3600_000 },
      2,
      23 * 3600_000,
      { status: 'pending', nextAttemptAtMs: created + 24 * 3600_000 },
    ],
  ])('%s', (_name, outcome, attempts, elapsed, expected) => {
    expect(
      nextStep(outcome, { attempts, createdAtMs: created }, created + elapsed, policy, fixed(0.5)),
    ).toEqual(expected);
  });

  it('the default policy is 1 s base, 10 min cap, 24 h', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({
      baseDelayMs: 1000,
      maxDelayMs: 600_000,
      maxAgeMs: 86_400_000,
    });
  });
});
