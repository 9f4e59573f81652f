import {
  RateLimiter,
  type RateLimiterConfigInput,
  rateLimitKeysFromHeaders,
  retryAfterSeconds,
  shouldShedEarly,
  TokenBucket,
} from '../../../src/sidecar/token-bucket';

// Simulated time only: every take is given its clock value, no timers run.
const T0 = Date.parse('2026-11-28T10:00:00Z');

/** Offers requests at `offeredPerSec` (with deterministic jitter) for `seconds`; returns admitted. */
function admittedOver(
  take: (nowMs: number) => boolean,
  offeredPerSec: number,
  seconds: number,
): number {
  let seed = 42;
  const jitter = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31; // [0, 1)
  };
  const meanGap = 1000 / offeredPerSec;
  let admitted = 0;
  for (let t = 0; t < seconds * 1000; t += meanGap * (0.5 + jitter())) {
    if (take(T0 + t)) admitted++;
  }
  return admitted;
}

describe('TokenBucket rate over 10 s of simulated time', () => {
  it.each([
    // ratePerSec, burst, offered per second (10x the rate, jittered gaps of 0.5x to 1.5x)
    [5, 1, 50],
    [7, 2, 70],
    [20, 5, 200],
    [100, 10, 1000],
    [1000, 50, 10_000],
  ])(
    'rate %d/s, burst %d, offered %d/s: admitted/10 s within ±5 %% of the rate',
    (ratePerSec, burst, offered) => {
      const bucket = new TokenBucket({ ratePerSec, burst }, T0);
      const admitted = admittedOver((now) => bucket.take(now).allowed, offered, 10);
      // The initial burst is included: that is what a client sees over the 10 s.
      expect(Math.abs(admitted / 10 - ratePerSec) / ratePerSec).toBeLessThanOrEqual(0.05);
      // Never more than the burst plus 10 s of refill.
      expect(admitted - burst).toBeLessThanOrEqual(10 * ratePerSec);
      // With a burst of 2 or more, the gaps between offers lose at most one token; with a burst of
      // 1 a token that arrives between two offers waits in a full bucket and refill is lost.
      if (burst >= 2) expect(admitted - burst).toBeGreaterThanOrEqual(10 * ratePerSec - 1);
    },
  );

  it('admits the burst at once, then nothing until a token refills', () => {
    const bucket = new TokenBucket({ ratePerSec: 2, burst: 5 }, T0);
    const results = Array.from({ length: 7 }, () => bucket.take(T0).allowed);
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(bucket.take(T0 + 499).allowed).toBe(false);
    expect(bucket.take(T0 + 500).allowed).toBe(true);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 3 }, T0);
    expect(bucket.available(T0 + 3_600_000)).toBe(3);
  });

  it('refills nothing when the clock goes backwards', () => {
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 1 }, T0);
    bucket.take(T0 + 1000);
    expect(bucket.take(T0).allowed).toBe(false);
    expect(bucket.available(T0 + 1000)).toBe(0);
  });
});

describe('TokenBucket retryAfterMs is the exact time until one token', () => {
  it.each([
    // ratePerSec, burst, takes at T0, then a take at T0 + elapsed, expected retryAfterMs
    [4, 2, 2, 0, 250],
    [4, 2, 2, 100, 150],
    [1, 1, 1, 0, 1000],
    [3, 1, 1, 0, 1000 / 3],
    [0.5, 1, 1, 500, 1500],
    [10, 1, 1, 99.5, 0.5],
  ])(
    'rate %d/s burst %d, %d taken, asked %d ms later -> %d ms',
    (ratePerSec, burst, taken, elapsed, expected) => {
      const bucket = new TokenBucket({ ratePerSec, burst }, T0);
      for (let i = 0; i < taken; i++) expect(bucket.take(T0).allowed).toBe(true);
      const refused = bucket.take(T0 + elapsed);
      expect(refused.allowed).toBe(false);
      const retryAfterMs = refused.allowed ? Number.NaN : refused.retryAfterMs;
      expect(retryAfterMs).toBeCloseTo(expected, 9);
      // Exact: 10 µs earlier is still too early, waiting exactly that long is enough.
      expect(bucket.take(T0 + elapsed + retryAfterMs - 0.01).allowed).toBe(false);
      expect(bucket.take(T0 + elapsed + retryAfterMs).allowed).toBe(true);
    },
  );

  it.each([
    [0.001, 1],
    [250, 1],
    [1000, 1],
    [1000.5, 2],
    [2999, 3],
  ])('retryAfterSeconds(%d ms) = %d s (rounded up)', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});

describe('shouldShedEarly', () => {
  it.each([
    [0, 1000, false],
    [999, 1000, false],
    [1000, 1000, false],
    [1001, 1000, true],
    [5000, Number.POSITIVE_INFINITY, false],
  ])('predicted wait %d ms, timeout %d ms -> shed %s', (wait, timeout, shed) => {
    expect(shouldShedEarly(wait, timeout)).toBe(shed);
  });
});

const twoDimensions: RateLimiterConfigInput = {
  dimensions: {
    requestType: {
      default: { ratePerSec: 10, burst: 10 },
      overrides: { chat: { ratePerSec: 1, burst: 1 } },
    },
    apiKey: {
      default: { ratePerSec: 0.5, burst: 2 },
      overrides: { gold: { ratePerSec: 100, burst: 5 } },
    },
  },
};

describe('RateLimiter across dimensions', () => {
  it('takes tokens from every bucket or from none', () => {
    const limiter = new RateLimiter(twoDimensions);
    expect(limiter.take({ requestType: 'chat', apiKey: 'k1' }, T0)).toEqual({ allowed: true });
    // chat is empty: refused, and k1 keeps its second token.
    expect(limiter.take({ requestType: 'chat', apiKey: 'k1' }, T0)).toEqual({
      allowed: false,
      retryAfterMs: 1000,
    });
    expect(limiter.take({ requestType: 'embed', apiKey: 'k1' }, T0)).toEqual({ allowed: true });
    // Now k1 is empty too; the embed bucket still has 9 tokens and keeps them.
    expect(limiter.take({ requestType: 'embed', apiKey: 'k1' }, T0)).toEqual({
      allowed: false,
      retryAfterMs: 2000,
    });
    expect(limiter.take({ requestType: 'embed', apiKey: 'k2' }, T0).allowed).toBe(true);
  });

  it('answers the longest wait among the buckets that lack a token', () => {
    const limiter = new RateLimiter(twoDimensions);
    limiter.take({ requestType: 'chat', apiKey: 'k1' }, T0);
    limiter.take({ requestType: 'embed', apiKey: 'k1' }, T0);
    // chat needs 1000 ms, k1 needs 2000 ms: admitted only once both have a token.
    const refused = limiter.take({ requestType: 'chat', apiKey: 'k1' }, T0);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 2000 });
    expect(limiter.take({ requestType: 'chat', apiKey: 'k1' }, T0 + 1999).allowed).toBe(false);
    expect(limiter.take({ requestType: 'chat', apiKey: 'k1' }, T0 + 2000).allowed).toBe(true);
  });

  it('gives overridden keys their own rate and unknown keys the default', () => {
    const limiter = new RateLimiter(twoDimensions);
    const admittedAtOnce = (apiKey: string) =>
      Array.from({ length: 20 }, () => limiter.take({ apiKey }, T0)).filter((r) => r.allowed)
        .length;
    expect(admittedAtOnce('gold')).toBe(5);
    expect(admittedAtOnce('never-configured')).toBe(2);
    expect(limiter.rateFor('apiKey', 'gold')).toEqual({ ratePerSec: 100, burst: 5 });
    expect(limiter.rateFor('apiKey', 'other')).toEqual({ ratePerSec: 0.5, burst: 2 });
    expect(limiter.rateFor('requestType', 'chat')).toEqual({ ratePerSec: 1, burst: 1 });
  });

  it('limits only the dimensions a request has a key for', () => {
    const limiter = new RateLimiter(twoDimensions);
    // No API key: only the request-type bucket applies; a dimension not configured is ignored.
    const results = Array.from({ length: 12 }, () =>
      limiter.take({ requestType: 'embed', apiKey: undefined, tenant: 't1' }, T0),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(limiter.size()).toEqual({ requestType: 1, apiKey: 0 });
  });

  it('refuses a configuration with a non-positive rate, naming the field', () => {
    expect(
      () =>
        new RateLimiter({
          dimensions: { apiKey: { default: { ratePerSec: 0, burst: 1 } } },
        }),
    ).toThrow(/ratePerSec/);
    expect(
      () => new RateLimiter({ dimensions: { apiKey: { default: { ratePerSec: 1, burst: 0.5 } } } }),
    ).toThrow(/burst/);
  });
});

describe('RateLimiter memory bound', () => {
  const config: RateLimiterConfigInput = {
    dimensions: { apiKey: { default: { ratePerSec: 10, burst: 1 } } },
    idleTtlMs: 1000,
    sweepIntervalMs: 100,
    maxBucketsPerDimension: 1000,
  };

  it('drops buckets that have been full for longer than the idle TTL', () => {
    const limiter = new RateLimiter(config);
    for (const key of ['a', 'b', 'c']) limiter.take({ apiKey: key }, T0);
    // Each refilled (full) at T0 + 100; 'c' is used again at T0 + 800, full again at T0 + 900.
    limiter.take({ apiKey: 'c' }, T0 + 800);
    expect(limiter.sweep(T0 + 1100)).toBe(0); // idle 1000 ms: not longer than the TTL
    expect(limiter.sweep(T0 + 1101)).toBe(2);
    expect(limiter.size()).toEqual({ apiKey: 1 });
    expect(limiter.sweep(T0 + 1901)).toBe(1);
    expect(limiter.size()).toEqual({ apiKey: 0 });
  });

  it('sweeps from within take, at most once per sweep interval', () => {
    const limiter = new RateLimiter(config);
    for (let i = 0; i < 100; i++) limiter.take({ apiKey: `k${i}` }, T0);
    expect(limiter.size()).toEqual({ apiKey: 100 });
    limiter.take({ apiKey: 'late' }, T0 + 5000);
    expect(limiter.size()).toEqual({ apiKey: 1 });
  });

  it('never drops a bucket that is not full (dropping it would refund tokens)', () => {
    const limiter = new RateLimiter({
      ...config,
      dimensions: { apiKey: { default: { ratePerSec: 0.001, burst: 1 } } },
    });
    limiter.take({ apiKey: 'slow' }, T0);
    expect(limiter.sweep(T0 + 60_000)).toBe(0);
    expect(limiter.take({ apiKey: 'slow' }, T0 + 60_000).allowed).toBe(false);
  });

  it('caps the buckets per dimension: an idle bucket is replaced, else new keys share one overflow bucket', () => {
    // No periodic sweep during the test: only a new key past the cap drops a bucket.
    const limiter = new RateLimiter({
      ...config,
      maxBucketsPerDimension: 3,
      sweepIntervalMs: 3_600_000,
    });
    for (const key of ['a', 'b', 'c']) limiter.take({ apiKey: key }, T0);
    limiter.take({ apiKey: 'a' }, T0 + 1); // order now b, c, a
    limiter.take({ apiKey: 'b' }, T0 + 1); // order now c, a, b
    // The table is full and no bucket is idle: d goes to the overflow bucket.
    expect(limiter.take({ apiKey: 'd' }, T0 + 2).allowed).toBe(true);
    expect(limiter.size()).toEqual({ apiKey: 3 });
    // b kept its state (empty): rotating to new keys does not refund it.
    expect(limiter.take({ apiKey: 'b' }, T0 + 3).allowed).toBe(false);
    // e shares the overflow bucket d emptied.
    expect(limiter.take({ apiKey: 'e' }, T0 + 3)).toEqual({ allowed: false, retryAfterMs: 99 });
    // c has been full since T0 + 100: idle exactly the TTL (1000 ms) at T0 + 1100, so it stays.
    expect(limiter.take({ apiKey: 'f' }, T0 + 1100).allowed).toBe(true); // the overflow bucket
    expect(limiter.take({ apiKey: 'g' }, T0 + 1100).allowed).toBe(false);
    // One millisecond later c is idle longer than the TTL: h takes its place with a bucket of its own.
    expect(limiter.take({ apiKey: 'h' }, T0 + 1101).allowed).toBe(true);
    expect(limiter.take({ apiKey: 'h' }, T0 + 1101).allowed).toBe(false);
    expect(limiter.size()).toEqual({ apiKey: 3 });
  });

  it('rotating a fresh key per request cannot escape the limit nor grow the table', () => {
    const limiter = new RateLimiter({
      dimensions: { apiKey: { default: { ratePerSec: 1, burst: 1 } } },
      maxBucketsPerDimension: 50,
    });
    // 10 000 requests over 10 s, each with a key never seen before.
    let admitted = 0;
    for (let i = 0; i < 10_000; i++)
      if (limiter.take({ apiKey: `rotated-${i}` }, T0 + i).allowed) admitted++;
    // At most: the 50 own buckets' bursts, their refill, and the overflow bucket's burst and refill.
    expect(admitted).toBeLessThanOrEqual(50 + 10 + 1 + 10);
    expect(limiter.size()).toEqual({ apiKey: 50 });
  });

  it('a key overridden in the configuration always gets its own bucket, even when the table is full', () => {
    const limiter = new RateLimiter({
      dimensions: {
        apiKey: {
          default: { ratePerSec: 0.001, burst: 1 },
          overrides: { gold: { ratePerSec: 0.001, burst: 3 } },
        },
      },
      maxBucketsPerDimension: 2,
    });
    limiter.take({ apiKey: 'x' }, T0);
    limiter.take({ apiKey: 'y' }, T0);
    const gold = Array.from({ length: 4 }, () => limiter.take({ apiKey: 'gold' }, T0).allowed);
    expect(gold).toEqual([true, true, true, false]);
  });

  it('keeps a long key as its hash: distinct long keys keep distinct buckets', () => {
    const limiter = new RateLimiter(config);
    const long = (c: string) => c.repeat(8_000);
    expect(limiter.take({ apiKey: long('a') }, T0).allowed).toBe(true);
    expect(limiter.take({ apiKey: long('a') }, T0).allowed).toBe(false);
    expect(limiter.take({ apiKey: long('b') }, T0).allowed).toBe(true);
    expect(limiter.size()).toEqual({ apiKey: 2 });
  });
});

describe('rateLimitKeysFromHeaders', () => {
  it.each([
    [
      { 'x-request-type': 'chat', authorization: 'Bearer sk-1' },
      { requestType: 'chat', apiKey: 'sk-1' },
    ],
    [{ authorization: 'bearer   sk-2 ' }, { requestType: 'default', apiKey: 'sk-2' }],
    [{ authorization: 'sk-raw' }, { requestType: 'default', apiKey: 'sk-raw' }],
    [{ 'x-request-type': ['embed', 'chat'] }, { requestType: 'embed', apiKey: 'anonymous' }],
    // A missing or blank header is one shared key, so it is limited like any other.
    [{ 'x-request-type': '  ' }, { requestType: 'default', apiKey: 'anonymous' }],
    [{}, { requestType: 'default', apiKey: 'anonymous' }],
  ])('%j -> %j', (headers, keys) => {
    expect(rateLimitKeysFromHeaders(headers)).toEqual(keys);
  });
});
