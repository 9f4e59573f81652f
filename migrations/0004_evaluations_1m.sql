-- Minute rollup of evaluations per model, score name and version, keyed by the evaluation's ts.
--   value_buckets  count per value rounded DOWN to 0.001 (key = floor(value * 1000 + 1e-6); the
--                  1e-6 absorbs float error such as 1.005 * 1000 = 1004.999...), so "share of
--                  scores >= 0.85" is exact for any threshold with three decimals.
--   labels         count per label, for label-only evaluations.
CREATE TABLE IF NOT EXISTS {db:Identifier}.evaluations_1m
(
    minute        DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    model         LowCardinality(String),
    name          LowCardinality(String),
    model_version LowCardinality(String),
    evaluations   SimpleAggregateFunction(sum, UInt64),
    scored        SimpleAggregateFunction(sum, UInt64),
    value_sum     SimpleAggregateFunction(sum, Float64),
    value_sq_sum  SimpleAggregateFunction(sum, Float64),
    value_min     SimpleAggregateFunction(min, Nullable(Float64)),
    value_max     SimpleAggregateFunction(max, Nullable(Float64)),
    value_buckets SimpleAggregateFunction(sumMap, Map(Int64, UInt64)),
    labels        SimpleAggregateFunction(sumMap, Map(String, UInt64))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (model, name, minute, model_version)
TTL minute + INTERVAL 395 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.evaluations_1m_mv
TO {db:Identifier}.evaluations_1m
AS SELECT
    toStartOfMinute(ts) AS minute,
    model,
    name,
    model_version,
    count() AS evaluations,
    countIf(value IS NOT NULL) AS scored,
    sumIf(assumeNotNull(value), value IS NOT NULL) AS value_sum,
    sumIf(assumeNotNull(value) * assumeNotNull(value), value IS NOT NULL) AS value_sq_sum,
    minOrNullIf(assumeNotNull(value), value IS NOT NULL) AS value_min,
    maxOrNullIf(assumeNotNull(value), value IS NOT NULL) AS value_max,
    sumMapIf(map(toInt64(floor(assumeNotNull(value) * 1000 + 0.000001)), toUInt64(1)), value IS NOT NULL) AS value_buckets,
    sumMapIf(map(toString(label), toUInt64(1)), label != '') AS labels
FROM {db:Identifier}.evaluations
GROUP BY minute, model, name, model_version;
