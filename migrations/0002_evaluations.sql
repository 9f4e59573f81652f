-- One row per quality score (accuracy, coherence, any name). Scores arrive inline with the
-- request or hours later (feedback, offline evaluators); trace_id/span_id/response_id link them.
-- `value` is NULL for label-only evaluations.
CREATE TABLE IF NOT EXISTS {db:Identifier}.evaluations
(
    ts            DateTime64(6, 'UTC') CODEC(Delta(8), ZSTD(1)),
    model         LowCardinality(String),
    model_version LowCardinality(String),
    trace_id      String CODEC(ZSTD(1)),
    span_id       String CODEC(ZSTD(1)),
    response_id   String CODEC(ZSTD(1)),
    name          LowCardinality(String),
    value         Nullable(Float64),
    label         LowCardinality(String),
    explanation   String CODEC(ZSTD(3)),
    evaluator     LowCardinality(String),
    attributes    Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    inserted_at   DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta(8), ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (model, name, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
