// Admission control for the sidecar: token buckets per key, lazily refilled from a clock value
// (no timers), combined across dimensions (request type, API key) so that a request takes a token
// from every applicable bucket or from none.
// Written here because no npm library fits: `limiter` reads its own clock (no injected time) and
// reports no retry-after; `bottleneck` is a job scheduler driven by real timers.
import { createHash } from 'node:crypto';
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
  /**
   * Hard cap per dimension. A new key past it replaces a bucket idle (full) for longer than
   * `idleTtlMs`, as the sweep would, or else shares one overflow bucket: rotating keys can neither
   * grow memory nor get a fresh bucket each.
   */
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
  // Per dimension, the bucket new keys share while the table is full of buckets in use.
  private readonly overflow = new Map<string, TokenBucket>();
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
    const stored = storedKey(key);
    const known = byKey.get(stored);
    if (known) {
      byKey.delete(stored); // re-insert: most recently used last
      byKey.set(stored, known);
      return known;
    }
    const overridden = this.config.dimensions[dimension]?.overrides[key] !== undefined;
    // Configured overrides are few and always get their own bucket (the table may exceed the cap
    // by their number); any other new key past the cap must not get a fresh, full bucket.
    if (
      byKey.size >= this.config.maxBucketsPerDimension &&
      !dropIdle(byKey, nowMs, this.config.idleTtlMs) &&
      !overridden
    )
      return this.overflowBucket(dimension, nowMs);
    const bucket = new TokenBucket(this.rateFor(dimension, key), nowMs);
    byKey.set(stored, bucket);
    return bucket;
  }

  private overflowBucket(dimension: string, nowMs: number): TokenBucket {
    let bucket = this.overflow.get(dimension);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.config.dimensions[dimension]?.default as BucketRate, nowMs);
      this.overflow.set(dimension, bucket);
    }
    return bucket;
  }
}

// How many of the least recently used buckets a new key looks at for an idle one to replace.
const DROP_SCAN = 8;
// Keys longer than this are kept as their SHA-256 (an Authorization header may be kilobytes).
const MAX_KEY_CHARS = 128;

function storedKey(key: string): string {
  if (key.length <= MAX_KEY_CHARS) return key;
  return `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}

// Drops the least recently used bucket that has been full for longer than `idleTtlMs`, if one of
// the first few has (a full bucket is the same as a new one: no client gains a token). Buckets
// full for less stay, so a client inventing keys waits the TTL for a slot of its own.
// Returns whether one was dropped.
function dropIdle(byKey: Map<string, TokenBucket>, nowMs: number, idleTtlMs: number): boolean {
  let scanned = 0;
  for (const [key, bucket] of byKey) {
    if (scanned++ >= DROP_SCAN) return false;
    if (nowMs - bucket.fullSinceMs(nowMs) > idleTtlMs) {
      byKey.delete(key);
      return true;
    }
  }
  return false;
}

/** The `x-request-type` key of a request without the header: one shared bucket. */
export const DEFAULT_REQUEST_TYPE = 'default';
/** The API key of a request without `Authorization`: one shared bucket. */
export const ANONYMOUS_API_KEY = 'anonymous';

/**
 * Returns the rate-limit keys of an HTTP request: `requestType` from `x-request-type` (missing:
 * `default`), `apiKey` from `Authorization` (the token after "Bearer ", or the whole value;
 * missing: `anonymous`), so a client without the headers is limited too. Header names lower-case.
 */
export function rateLimitKeysFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): RateLimitKeys {
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  const auth = first(headers.authorization);
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1];
  return {
    requestType: first(headers['x-request-type']) ?? DEFAULT_REQUEST_TYPE,
    apiKey: bearer ?? auth ?? ANONYMOUS_API_KEY,
  };
}
