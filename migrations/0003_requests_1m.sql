-- Minute rollup of inference_requests per model, version, service and request type.
-- Dashboards and SLO jobs read this, never raw rows.
--   *_quantiles  t-digest states: quantileTDigestMerge(0.95)(ttft_quantiles)
--   *_buckets    count per upper bound in microseconds, the value rounded UP to two significant
--                digits (800 ms -> 800000, 801 ms -> 810000). "How many <= T" is exact for any T
--                with two significant digits: sum the buckets whose key <= T in microseconds.
--                src/store/rollup-buckets.ts computes the same key in TypeScript.
CREATE TABLE IF NOT EXISTS {db:Identifier}.requests_1m
(
    minute            DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    model             LowCardinality(String),
    model_version     LowCardinality(String),
    service           LowCardinality(String),
    request_type      LowCardinality(String),
    requests          SimpleAggregateFunction(sum, UInt64),
    errors            SimpleAggregateFunction(sum, UInt64),
    latency_sum_ms    SimpleAggregateFunction(sum, Float64),
    latency_max_ms    SimpleAggregateFunction(max, Float64),
    latency_quantiles AggregateFunction(quantileTDigest, Float64),
    latency_buckets   SimpleAggregateFunction(sumMap, Map(UInt64, UInt64)),
    ttft_count        SimpleAggregateFunction(sum, UInt64),
    ttft_sum_ms       SimpleAggregateFunction(sum, Float64),
    ttft_quantiles    AggregateFunction(quantileTDigest, Float64),
    ttft_buckets      SimpleAggregateFunction(sumMap, Map(UInt64, UInt64)),
    queue_count       SimpleAggregateFunction(sum, UInt64),
    queue_sum_ms      SimpleAggregateFunction(sum, Float64),
    queue_quantiles   AggregateFunction(quantileTDigest, Float64),
    queue_buckets     SimpleAggregateFunction(sumMap, Map(UInt64, UInt64)),
    batched           SimpleAggregateFunction(sum, UInt64),
    batch_size_sum    SimpleAggregateFunction(sum, UInt64),
    input_tokens      SimpleAggregateFunction(sum, UInt64),
    output_tokens     SimpleAggregateFunction(sum, UInt64),
    cache_lookups     SimpleAggregateFunction(sum, UInt64),
    cache_hits        SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (model, minute, model_version, service, request_type)
TTL minute + INTERVAL 395 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.requests_1m_mv
TO {db:Identifier}.requests_1m
AS SELECT
    toStartOfMinute(ts) AS minute,
    model,
    model_version,
    service,
    request_type,
    count() AS requests,
    countIf(status = 'error') AS errors,
    sum(latency_ms) AS latency_sum_ms,
    max(latency_ms) AS latency_max_ms,
    quantileTDigestState(latency_ms) AS latency_quantiles,
    sumMap(map(latency_bucket, toUInt64(1))) AS latency_buckets,
    countIf(ttft_ms IS NOT NULL) AS ttft_count,
    sumIf(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL) AS ttft_sum_ms,
    quantileTDigestStateIf(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL) AS ttft_quantiles,
    sumMapIf(map(assumeNotNull(ttft_bucket), toUInt64(1)), ttft_ms IS NOT NULL) AS ttft_buckets,
    countIf(queue_ms IS NOT NULL) AS queue_count,
    sumIf(assumeNotNull(queue_ms), queue_ms IS NOT NULL) AS queue_sum_ms,
    quantileTDigestStateIf(assumeNotNull(queue_ms), queue_ms IS NOT NULL) AS queue_quantiles,
    sumMapIf(map(assumeNotNull(queue_bucket), toUInt64(1)), queue_ms IS NOT NULL) AS queue_buckets,
    countIf(batch_size IS NOT NULL) AS batched,
    sum(toUInt64(ifNull(batch_size, 0))) AS batch_size_sum,
    sum(toUInt64(ifNull(input_tokens, 0))) AS input_tokens,
    sum(toUInt64(ifNull(output_tokens, 0))) AS output_tokens,
    countIf(cache_hit IS NOT NULL) AS cache_lookups,
    countIf(cache_hit = true) AS cache_hits
FROM
(
    SELECT
        *,
        -- bucket key: the value in whole microseconds, rounded up to two significant digits
        toUInt64(ceil(round(greatest(latency_ms, 0) * 1000, 3))) AS latency_us,
        toUInt64(exp10(greatest(length(toString(latency_us)) - 2, 0))) AS latency_step,
        intDiv(latency_us + latency_step - 1, latency_step) * latency_step AS latency_bucket,
        toUInt64(ceil(round(greatest(ttft_ms, 0) * 1000, 3))) AS ttft_us,
        toUInt64(exp10(greatest(length(toString(ttft_us)) - 2, 0))) AS ttft_step,
        intDiv(ttft_us + ttft_step - 1, ttft_step) * ttft_step AS ttft_bucket,
        toUInt64(ceil(round(greatest(queue_ms, 0) * 1000, 3))) AS queue_us,
        toUInt64(exp10(greatest(length(toString(queue_us)) - 2, 0))) AS queue_step,
        intDiv(queue_us + queue_step - 1, queue_step) * queue_step AS queue_bucket
    FROM {db:Identifier}.inference_requests
)
GROUP BY minute, model, model_version, service, request_type;
