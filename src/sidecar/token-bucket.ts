// Admission control for the sidecar: token buckets per key, lazily refilled from a clock value
// (no timers), combined across dimensions (request type, API key) so that a request takes a token
// from every applicable bucket or from none.
// Written here because no npm library fits: `limiter` reads its own clock (no injected time) and
// reports no retry-after; `bottleneck` is a job scheduler driven by real timers.
import { z } from 'zod';

/** Refill rate (tokens per second) and burst (bucket capacity) of one bucket. */
export interface BucketRate {
  ratePerSec: number;
  burst: number;
}

/** The answer to a take: admitted, or refused with the exact wait until a token is available. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

// Tolerance for floating-point time, so that waiting exactly `retryAfterMs` is enough: epoch
// milliseconds (~1.8e12) carry up to ~1.2e-4 ms of rounding per addition. One microsecond.
const TOLERANCE_MS = 1e-3;

/** One token bucket; starts full, refills lazily from the `nowMs` values it is given. */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    readonly rate: BucketRate,
    nowMs: number,
  ) {
    this.tokens = rate.burst;
    this.updatedMs = nowMs;
  }

  /** Returns the tokens available at `nowMs` (a clock going backwards refills nothing). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Returns the exact milliseconds from `nowMs` until one token is available (0 if one is). */
  msUntilToken(nowMs: number): number {
    this.refill(nowMs);
    const waitMs = ((1 - this.tokens) / this.rate.ratePerSec) * 1000;
    return waitMs <= TOLERANCE_MS ? 0 : waitMs;
  }

  /** Returns the time (ms) from which the bucket is full: idle since then. */
  fullSinceMs(nowMs: number): number {
    this.refill(nowMs);
    return this.updatedMs + ((this.rate.burst - this.tokens) / this.rate.ratePerSec) * 1000;
  }

  /** Takes one token if one is available; otherwise says exactly how long to wait. */
  take(nowMs: number): TakeResult {
    const waitMs = this.msUntilToken(nowMs);
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
    this.consume(nowMs);
    return { allowed: true };
  }

  /** Removes one token; the caller has checked `msUntilToken` at the same `nowMs`. */
  consume(nowMs: number): void {
    this.refill(nowMs);
    // A full bucket's clock stays at the moment it became full; its tokens are those of `nowMs`.
    this.updatedMs = Math.max(this.updatedMs, nowMs);
    this.tokens = Math.max(0, this.tokens - 1);
  }

  private refill(nowMs: number): void {
    if (nowMs <= this.updatedMs) return;
    const msToFull = ((this.rate.burst - this.tokens) / this.rate.ratePerSec) * 1000;
    if (nowMs - this.updatedMs >= msToFull) {
      // Full: remember when it became full, which is when it started to be idle.
      this.tokens = this.rate.burst;
      this.updatedMs += msToFull;
      return;
    }
    this.tokens += ((nowMs - this.updatedMs) / 1000) * this.rate.ratePerSec;
    this.updatedMs = nowMs;
  }
}

/** Whole seconds for a `Retry-After` header: the exact wait rounded up. */
export function retryAfterSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * Decides whether to refuse a request before queueing it: true when the predicted wait exceeds
 * the request's timeout. The caller predicts the wait as
 * queue depth × recent batch duration / in-flight capacity (batches the backend runs at once).
 */
export function shouldShedEarly(predictedWaitMs: number, timeoutMs: number): boolean {
  return predictedWaitMs > timeoutMs;
}

const bucketRateSchema = z.object({
  ratePerSec: z.number().positive().finite(),
  burst: z.number().int().min(1),
});

const dimensionSchema = z.object({
  default: bucketRateSchema,
  overrides: z.record(z.string(), bucketRateSchema).default({}),
});

/** Rate limiter configuration: per dimension a default rate and per-key overrides. */
export const rateLimiterConfigSchema = z.object({
  dimensions: z.record(z.string(), dimensionSchema),
  /** A bucket full for longer than this is dropped (a new one starts full: nothing changes). */
  idleTtlMs: z.number().int().positive().default(60_000),
  /** Idle buckets are swept at most this often, from within `take`. */
  sweepIntervalMs: z.number().int().positive().default(10_000),
  /** Hard cap per dimension; past it the least recently used bucket is dropped. */
  maxBucketsPerDimension: z.number().int().positive().default(10_000),
});

export type RateLimiterConfig = z.output<typeof rateLimiterConfigSchema>;
export type RateLimiterConfigInput = z.input<typeof rateLimiterConfigSchema>;

/** A request's key per dimension, e.g. `{ requestType: 'chat', apiKey: 'k1' }`; absent = not limited there. */
export type RateLimitKeys = Record<string, string | undefined>;

/**
 * Token buckets across several dimensions: a request is admitted only if every applicable bucket
 * has a token, and then takes one from each (all or none).
 */
export class RateLimiter {
  readonly config: RateLimiterConfig;
  // Per dimension, buckets by key in least-recently-used-first order (Map keeps insertion order).
  private readonly buckets = new Map<string, Map<string, TokenBucket>>();
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(config: RateLimiterConfigInput) {
    this.config = rateLimiterConfigSchema.parse(config);
    for (const dimension of Object.keys(this.config.dimensions))
      this.buckets.set(dimension, new Map());
  }

  /** Admits the request (taking a token in every applicable bucket) or returns the exact wait. */
  take(keys: RateLimitKeys, nowMs: number): TakeResult {
    if (nowMs - this.lastSweepMs >= this.config.sweepIntervalMs) this.sweep(nowMs);
    const applicable: TokenBucket[] = [];
    let retryAfterMs = 0;
    for (const [dimension, key] of Object.entries(keys)) {
      if (key === undefined || !this.buckets.has(dimension)) continue;
      const bucket = this.bucketFor(dimension, key, nowMs);
      applicable.push(bucket);
      retryAfterMs = Math.max(retryAfterMs, bucket.msUntilToken(nowMs));
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    for (const bucket of applicable) bucket.consume(nowMs);
    return { allowed: true };
  }

  /** Returns the rate that applies to `key` in `dimension`: its override, else the default. */
  rateFor(dimension: string, key: string): BucketRate {
    const config = this.config.dimensions[dimension];
    if (!config) throw new Error(`unknown rate-limit dimension "${dimension}"`);
    return config.overrides[key] ?? config.default;
  }

  /** Drops buckets that have been full for longer than `idleTtlMs`; returns how many. */
  sweep(nowMs: number): number {
    this.lastSweepMs = nowMs;
    let dropped = 0;
    for (const byKey of this.buckets.values()) {
      for (const [key, bucket] of byKey) {
        if (nowMs - bucket.fullSinceMs(nowMs) > this.config.idleTtlMs) {
          byKey.delete(key);
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** Returns the number of live buckets, per dimension. */
  size(): Record<string, number> {
    return Object.fromEntries(
      [...this.buckets].map(([dimension, byKey]) => [dimension, byKey.size]),
    );
  }

  private bucketFor(dimension: string, key: string, nowMs: number): TokenBucket {
    const byKey = this.buckets.get(dimension) as Map<string, TokenBucket>;
    let bucket = byKey.get(key);
    if (bucket) {
      byKey.delete(key); // re-insert: most recently used last
    } else {
      bucket = new TokenBucket(this.rateFor(dimension, key), nowMs);
      // Dropping a bucket that is not full refunds its tokens: only under a flood of distinct
      // keys (more than the cap within one idle TTL), where bounded memory matters more.
      const oldest = byKey.keys().next();
      if (byKey.size >= this.config.maxBucketsPerDimension && !oldest.done)
        byKey.delete(oldest.value);
    }
    byKey.set(key, bucket);
    return bucket;
  }
}

/**
 * Returns the rate-limit keys of an HTTP request: `requestType` from `x-request-type`, `apiKey`
 * from `Authorization` (the token after "Bearer ", or the whole value). Header names lower-case.
 */
export function rateLimitKeysFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): RateLimitKeys {
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  const auth = first(headers.authorization);
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1];
  return { requestType: first(headers['x-request-type']), apiKey: bearer ?? auth };
}
