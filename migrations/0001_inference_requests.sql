-- One row per inference request (a GenAI span). Raw rows serve drift, feedback joins and
-- ad-hoc SQL; dashboards and SLOs read the minute rollups instead.
-- Retention: the TTL below is the default; `migrate` rewrites it to INSIGHTAGENT_RETENTION_DAYS.
-- Retried identical inserts are dropped by non_replicated_deduplication_window (block hashes).
CREATE TABLE IF NOT EXISTS {db:Identifier}.inference_requests
(
    ts                  DateTime64(6, 'UTC') CODEC(Delta(8), ZSTD(1)),
    model               LowCardinality(String),
    model_version       LowCardinality(String),
    provider            LowCardinality(String),
    service             LowCardinality(String),
    operation           LowCardinality(String),
    request_type        LowCardinality(String),
    trace_id            String CODEC(ZSTD(1)),
    span_id             String CODEC(ZSTD(1)),
    response_id         String CODEC(ZSTD(1)),
    status              Enum8('unset' = 0, 'ok' = 1, 'error' = 2),
    error_type          LowCardinality(String),
    latency_ms          Float64 CODEC(ZSTD(1)),
    ttft_ms             Nullable(Float64) CODEC(ZSTD(1)),
    queue_ms            Nullable(Float64) CODEC(ZSTD(1)),
    batch_size          Nullable(UInt16),
    input_tokens        Nullable(UInt32),
    output_tokens       Nullable(UInt32),
    cache_hit           Nullable(Bool),
    features_num        Map(LowCardinality(String), Float64) CODEC(ZSTD(1)),
    features_cat        Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource_attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    inserted_at         DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta(8), ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_response_id response_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (model, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
