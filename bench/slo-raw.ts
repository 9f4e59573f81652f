// Raw requests for bench/slo.ts's rollup-vs-raw figure: rows inserted into inference_requests
// with INSERT ... SELECT from numbers() (the materialized views fill the rollups as in
// production), and the raw-scan answers that are the baseline. The raw SQL lives here, not in
// src/store: the product never scans raw rows for SLOs; this is the truth it is checked against.
import { z } from 'zod';
import type { Store } from '../src/store/store';

/** What to generate: `rows` requests of `model` spread evenly over [fromMs, toMs). */
export interface RawShape {
  model: string;
  rows: number;
  fromMs: number;
  toMs: number;
}

const CHUNK = 1_000_000;

/**
 * Inserts `shape` in chunks of 1 M rows. TTFT: 1 % NULL (not streamed), 4 % in 800-1600 ms, the
 * rest 150-800 ms with µs resolution; one request in 1000 at exactly 800 ms and one at 800.001 ms
 * (the threshold's edges). 0.5 % errors, 2 % in a 30-minute outage on the third day.
 */
export async function insertRawRequests(store: Store, shape: RawShape): Promise<void> {
  const stepUs = Math.floor(((shape.toMs - shape.fromMs) * 1000) / shape.rows);
  const outageFrom = shape.fromMs + 2.5 * 86_400_000;
  for (let offset = 0; offset < shape.rows; offset += CHUNK) {
    await store.command({
      tag: 'bench.raw_requests',
      sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, model_version, service,
              request_type, trace_id, span_id, status, latency_ms, ttft_ms)
            SELECT fromUnixTimestamp64Micro(toInt64({from_us:Int64} + n * {step_us:Int64}), 'UTC') AS t,
              {model:String}, 'v1', 'bench', 'chat', hex(cityHash64(n)), hex(n),
              if(cityHash64(n, 2) % 1000 < if(toUnixTimestamp64Milli(t) >= {out_from:Int64}
                   AND toUnixTimestamp64Milli(t) < {out_to:Int64}, 20, 5), 'error', 'ok'),
              ifNull(ttft, 0) + 200 + (cityHash64(n, 3) % 500000) / 1000, ttft
            FROM (
              SELECT number + {offset:UInt64} AS n, cityHash64(n, 1) AS h,
                multiIf(n % 1000 = 7, 800, n % 1000 = 8, 800.001,
                        h % 100 = 0, NULL,
                        h % 100 <= 4, 800.001 + (h % 800000) / 1000,
                        150 + (h % 650000) / 1000) AS ttft
              FROM numbers({count:UInt64})
            )`,
      params: {
        model: shape.model,
        from_us: shape.fromMs * 1000,
        step_us: stepUs,
        offset,
        count: Math.min(CHUNK, shape.rows - offset),
        out_from: outageFrom,
        out_to: outageFrom + 30 * 60_000,
      },
    });
  }
}

const goodTotal = z.object({ good: z.coerce.number(), total: z.coerce.number() });

/** Returns good/total from a raw scan: requests with ttft_ms <= `thresholdMs` among those with one. */
export async function rawTtftCounts(
  store: Store,
  shape: RawShape,
  thresholdMs: number,
): Promise<z.infer<typeof goodTotal>> {
  const [row] = await store.query({
    tag: 'bench.raw_ttft',
    sql: `SELECT countIf(ttft_ms <= {threshold:Float64}) AS good, countIf(ttft_ms IS NOT NULL) AS total
          FROM {db:Identifier}.inference_requests
          WHERE model = {model:String} AND ${RAW_RANGE}`,
    params: rangeParams(shape, { threshold: thresholdMs }),
    schema: goodTotal,
  });
  return row ?? { good: 0, total: 0 };
}

/** Returns good/total from a raw scan: requests without error among all. */
export async function rawAvailabilityCounts(
  store: Store,
  shape: RawShape,
): Promise<z.infer<typeof goodTotal>> {
  const [row] = await store.query({
    tag: 'bench.raw_availability',
    sql: `SELECT countIf(status != 'error') AS good, count() AS total
          FROM {db:Identifier}.inference_requests
          WHERE model = {model:String} AND ${RAW_RANGE}`,
    params: rangeParams(shape, {}),
    schema: goodTotal,
  });
  return row ?? { good: 0, total: 0 };
}

const RAW_RANGE = `ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
  AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;

function rangeParams(shape: RawShape, extra: Record<string, unknown>): Record<string, unknown> {
  return { model: shape.model, from: shape.fromMs, to: shape.toMs, ...extra };
}
