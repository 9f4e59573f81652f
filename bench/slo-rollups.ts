// Synthetic minute rollups for bench/slo.ts, written straight into requests_1m and evaluations_1m
// with INSERT ... SELECT from numbers() (no raw rows): per model-minute, 8 sample values stand
// for the minute's requests (or scores), each carrying an equal share of them. The t-digest
// states are built from the 8 samples; the histogram maps count every request under its
// sample's bucket key, computed with the same expressions as the materialized views
// (migrations/0003, 0004), so buckets, counts and sums agree with each other.
import type { Store } from '../src/store/store';

/** An incident in the generated data: which signal, which model, when, how long. */
export interface BenchIncident {
  what: 'ttft' | 'errors' | 'accuracy' | 'coherence';
  model: number;
  /** Minutes before the end of the data. */
  startsMinutesAgo: number;
  minutes: number;
}

/** Incidents in the generated data: slow first tokens, errors, falling scores. */
export const INCIDENTS: readonly BenchIncident[] = [
  { what: 'ttft', model: 0, startsMinutesAgo: 2 * 1440, minutes: 40 },
  { what: 'ttft', model: 4, startsMinutesAgo: 20, minutes: 20 },
  { what: 'errors', model: 1, startsMinutesAgo: 1440, minutes: 30 },
  { what: 'errors', model: 5, startsMinutesAgo: 90, minutes: 90 },
  { what: 'accuracy', model: 2, startsMinutesAgo: 5 * 1440, minutes: 180 },
  { what: 'coherence', model: 3, startsMinutesAgo: 300, minutes: 60 },
];

const SAMPLES = 8;

/** What to generate: `models` × `minutes` model-minutes ending at `endMs`, `requests` in all. */
export interface RollupShape {
  models: number;
  minutes: number;
  endMs: number;
  requests: number;
}

/** Returns the model name of index `m`. */
export function benchModel(m: number): string {
  return `model-${String(m).padStart(2, '0')}`;
}

// The bucket key of a duration in ms, as in the views: whole µs rounded up to 2 significant digits.
function durationKey(x: string): string {
  const us = `toUInt64(ceil(round(greatest(${x}, 0) * 1000, 3)))`;
  const step = `toUInt64(exp10(greatest(length(toString(${us})) - 2, 0)))`;
  return `intDiv(${us} + ${step} - 1, ${step}) * ${step}`;
}

// 1 inside any incident of `what`, else 0, for the row's model m and minute index i.
function incidentFlag(what: BenchIncident['what'], shape: RollupShape): string {
  const terms = INCIDENTS.filter((x) => x.what === what).map((x) => {
    const from = shape.minutes - x.startsMinutesAgo;
    return `(m = ${x.model} AND i >= ${from} AND i < ${from + x.minutes})`;
  });
  return terms.length === 0 ? '0' : `(${terms.join(' OR ')})`;
}

// Columns every generated row starts from: model m, minute index i, requests n (exact total),
// the per-sample request counts cnt.
function baseColumns(shape: RollupShape): string {
  const cells = shape.models * shape.minutes;
  return `intDiv(k, ${shape.minutes}) AS m, k % ${shape.minutes} AS i,
          intDiv((k + 1) * ${shape.requests}, ${cells}) - intDiv(k * ${shape.requests}, ${cells}) AS n,
          arrayMap(j -> toUInt64(intDiv(n * (j + 1), ${SAMPLES}) - intDiv(n * j, ${SAMPLES})), range(${SAMPLES})) AS cnt,
          toDateTime(intDiv(${shape.endMs}, 1000) - (${shape.minutes} - i) * 60, 'UTC') AS minute,
          concat('model-', leftPad(toString(m), 2, '0')) AS model_name`;
}

// sumMap of the samples' keys weighted by their counts, as a Map (equal keys added up).
function bucketMap(keys: string): string {
  return `CAST(arrayReduce('sumMap', [${keys}], [cnt]), 'Map(UInt64, UInt64)')`;
}

/** Inserts `shape` into requests_1m; returns nothing, throws on failure. */
export async function insertRequestRollups(store: Store, shape: RollupShape): Promise<void> {
  const ttftInc = incidentFlag('ttft', shape);
  const errInc = incidentFlag('errors', shape);
  await store.command({
    tag: 'bench.requests_1m',
    sql: `INSERT INTO {db:Identifier}.requests_1m
      SELECT minute, model_name, 'v1', 'bench', 'chat',
        n, errors,
        arraySum(arrayMap((v, c) -> v * c, lat, cnt)), arrayMax(lat),
        arrayReduce('quantileTDigestState', lat), ${bucketMap(`arrayMap(v -> ${durationKey('v')}, lat)`)},
        n, arraySum(arrayMap((v, c) -> v * c, ttft, cnt)),
        arrayReduce('quantileTDigestState', ttft), ${bucketMap(`arrayMap(v -> ${durationKey('v')}, ttft)`)},
        n, arraySum(arrayMap((v, c) -> v * c, queue, cnt)),
        arrayReduce('quantileTDigestState', queue), ${bucketMap(`arrayMap(v -> ${durationKey('v')}, queue)`)},
        n, n * 4, n * 600, n * 250, n, intDiv(n, 3)
      FROM (
        SELECT *,
          -- TTFT 100-740 ms (900 ms more in an incident), latency = TTFT + 300-790 ms, queue 5-54 ms
          arrayMap(j -> toFloat64(100 + 80 * j + (cityHash64(k, j, 1) % 8) * 10 + ${ttftInc} * 900 + (cityHash64(k, j, 4) % 1000) / 1000), range(${SAMPLES})) AS ttft,
          arrayMap((j, t) -> t + 300 + (cityHash64(k, j, 2) % 50) * 10, range(${SAMPLES}), ttft) AS lat,
          arrayMap(j -> toFloat64(5 + cityHash64(k, j, 3) % 50), range(${SAMPLES})) AS queue,
          toUInt64(if(${errInc}, intDiv(n, 5), cityHash64(k, 5) % 3 = 0)) AS errors
        FROM (SELECT number AS k, ${baseColumns(shape)} FROM numbers(${shape.models * shape.minutes}))
      )`,
  });
}

/** Inserts `shape` into evaluations_1m for accuracy and coherence, one score per request. */
export async function insertEvaluationRollups(store: Store, shape: RollupShape): Promise<void> {
  const cells = shape.models * shape.minutes;
  const accInc = incidentFlag('accuracy', shape);
  const cohInc = incidentFlag('coherence', shape);
  await store.command({
    tag: 'bench.evaluations_1m',
    sql: `INSERT INTO {db:Identifier}.evaluations_1m
      SELECT minute, model_name, score_name, 'v1', n, n,
        arraySum(arrayMap((v, c) -> v * c, vals, cnt)),
        arraySum(arrayMap((v, c) -> v * v * c, vals, cnt)),
        arrayMin(vals), arrayMax(vals),
        CAST(arrayReduce('sumMap', [arrayMap(v -> toInt64(floor(v * 1000 + 0.000001)), vals)], [cnt]), 'Map(Int64, UInt64)'),
        map()
      FROM (
        SELECT *,
          -- accuracy 0.800-0.999, coherence 0.880-0.999; 0.2 lower in an incident
          arrayMap(j -> if(s = 0,
              0.8 + (cityHash64(k, j, 7) % 200) / 1000 - ${accInc} * 0.2,
              0.88 + (cityHash64(k, j, 8) % 120) / 1000 - ${cohInc} * 0.2), range(${SAMPLES})) AS vals,
          if(s = 0, 'accuracy', 'coherence') AS score_name
        FROM (
          SELECT intDiv(number, ${cells}) AS s, number % ${cells} AS k, ${baseColumns(shape)}
          FROM numbers(${2 * cells})
        )
      )`,
  });
}
