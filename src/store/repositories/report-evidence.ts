// The insight report's figures that the minute rollups do not hold: refusal shares, cache
// behaviour, device time per batch size (from raw inference_requests over the window), the
// busiest minute and the versions seen (from requests_1m). The window is [from, to).
import { z } from 'zod';
import { KEY } from '../../ingest/genai/keys';
import type { TimeRange } from '../../model-stats/window';
import type { Store } from '../store';

/** The span attribute an application (or the simulator) may set: a hash of the normalised prompt. */
export const PROMPT_HASH_ATTRIBUTE = KEY.promptHash;
/** The span attribute naming the model version a cached answer was made by. */
export const CACHE_VERSION_ATTRIBUTE = KEY.cacheModelVersion;

/** error_type values of requests the sidecar refused with 503 (queue full, shed, busy, closed). */
export const REFUSED_503 = ['queue_full', 'shed', 'models_busy', 'batcher_closed'] as const;

/** Counts and means over one window's raw requests. */
export interface RequestMix {
  requests: number;
  rateLimited: number;
  refused503: number;
  cacheLookups: number;
  cacheHits: number;
  /** Cache hits whose answer names another version than the one that served (null: not reported). */
  hitsAcrossVersions: number | null;
  hitTtftMeanMs: number | null;
  missTtftMeanMs: number | null;
  /** Requests carrying a prompt hash, and how many distinct hashes they had. */
  hashed: number;
  distinctHashes: number;
}

/** Device time of the batches of one size (latency − queue of answered, uncached requests). */
export interface BatchTimeRow {
  size: number;
  requests: number;
  meanMs: number;
}

const count = z.coerce.number().int().nonnegative();
const mean = z.number().nullable();

const IN_WINDOW = `model = {model:String}
  AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;

function params(model: string, range: TimeRange): Record<string, unknown> {
  return { model, from: range.fromMs, to: range.toMs };
}

/** Returns refusal counts, cache figures and prompt-hash counts of the model's requests in range. */
export async function requestMix(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<RequestMix> {
  const [row] = await store.query({
    tag: 'report.request_mix',
    sql: `SELECT count() AS requests,
            countIf(error_type = 'rate_limited') AS rate_limited,
            countIf(error_type IN {refused:Array(String)}) AS refused_503,
            countIf(cache_hit IS NOT NULL) AS cache_lookups,
            countIf(cache_hit = true) AS cache_hits,
            countIf(cache_hit = true AND mapContains(attributes, {cacheVersion:String})) AS hits_reporting,
            countIf(cache_hit = true AND mapContains(attributes, {cacheVersion:String})
                    AND attributes[{cacheVersion:String}] != model_version) AS hits_across,
            avgIf(ttft_ms, cache_hit = true AND ttft_ms IS NOT NULL) AS hit_ttft,
            avgIf(ttft_ms, cache_hit = false AND ttft_ms IS NOT NULL) AS miss_ttft,
            countIf(mapContains(attributes, {hash:String})) AS hashed,
            uniqExactIf(attributes[{hash:String}], mapContains(attributes, {hash:String})) AS distinct_hashes
          FROM {db:Identifier}.inference_requests WHERE ${IN_WINDOW}`,
    params: {
      ...params(model, range),
      refused: [...REFUSED_503],
      cacheVersion: CACHE_VERSION_ATTRIBUTE,
      hash: PROMPT_HASH_ATTRIBUTE,
    },
    schema: z.object({
      requests: count,
      rate_limited: count,
      refused_503: count,
      cache_lookups: count,
      cache_hits: count,
      hits_reporting: count,
      hits_across: count,
      hit_ttft: mean,
      miss_ttft: mean,
      hashed: count,
      distinct_hashes: count,
    }),
  });
  if (row === undefined) throw new Error('aggregate without GROUP BY returned no row');
  return {
    requests: row.requests,
    rateLimited: row.rate_limited,
    refused503: row.refused_503,
    cacheLookups: row.cache_lookups,
    cacheHits: row.cache_hits,
    hitsAcrossVersions: row.hits_reporting > 0 ? row.hits_across : null,
    hitTtftMeanMs: nanToNull(row.hit_ttft),
    missTtftMeanMs: nanToNull(row.miss_ttft),
    hashed: row.hashed,
    distinctHashes: row.distinct_hashes,
  };
}

/** Returns device time per batch size: answered, uncached requests with a batch size. */
export async function batchTimes(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<BatchTimeRow[]> {
  return store.query({
    tag: 'report.batch_times',
    sql: `SELECT toUInt32(batch_size) AS size, count() AS requests,
            avg(latency_ms - ifNull(queue_ms, 0)) AS mean_ms
          FROM {db:Identifier}.inference_requests
          WHERE ${IN_WINDOW} AND status != 'error' AND batch_size IS NOT NULL AND batch_size > 0
            AND cache_hit IS DISTINCT FROM true
          GROUP BY size ORDER BY size`,
    params: params(model, range),
    schema: z
      .object({ size: count, requests: count, mean_ms: z.number() })
      .transform((r) => ({ size: r.size, requests: r.requests, meanMs: r.mean_ms })),
  });
}

/** Returns the request count of the model's busiest minute in range (0 when none). */
export async function peakMinuteRequests(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<number> {
  const [row] = await store.query({
    tag: 'report.peak_minute',
    sql: `SELECT max(n) AS peak FROM (
            SELECT minute, sum(requests) AS n FROM {db:Identifier}.requests_1m
            WHERE model = {model:String}
              AND minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC')
              AND minute < toDateTime(intDiv({to:Int64}, 1000), 'UTC')
            GROUP BY minute)`,
    params: params(model, range),
    schema: z.object({ peak: count }),
  });
  return row?.peak ?? 0;
}

/** Returns how many minutes in range saw requests of the model. */
export async function minutesWithRequests(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<number> {
  const [row] = await store.query({
    tag: 'report.minutes_with_requests',
    sql: `SELECT uniqExact(minute) AS n FROM {db:Identifier}.requests_1m
          WHERE model = {model:String} AND requests > 0
            AND minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC')
            AND minute < toDateTime(intDiv({to:Int64}, 1000), 'UTC')`,
    params: params(model, range),
    schema: z.object({ n: count }),
  });
  return row?.n ?? 0;
}

/** Returns the model versions that served requests in range, by their first minute. */
export async function versionsSeen(
  store: Store,
  model: string,
  range: TimeRange,
): Promise<string[]> {
  const rows = await store.query({
    tag: 'report.versions',
    sql: `SELECT model_version FROM {db:Identifier}.requests_1m
          WHERE model = {model:String}
            AND minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC')
            AND minute < toDateTime(intDiv({to:Int64}, 1000), 'UTC')
          GROUP BY model_version ORDER BY min(minute), model_version`,
    params: params(model, range),
    schema: z.object({ model_version: z.string() }),
  });
  return rows.map((r) => r.model_version);
}

function nanToNull(x: number | null): number | null {
  return x === null || Number.isNaN(x) ? null : x;
}
