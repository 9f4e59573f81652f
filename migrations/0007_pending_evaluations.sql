-- Scores whose request is not known yet: log-record evaluations without a model, and delayed
-- feedback (POST /api/v1/feedback) that names only trace/span or response ids. They wait here
-- until the request arrives in inference_requests, are then copied into `evaluations` with the
-- request's model and version, and removed from here. Same columns as `evaluations`.
CREATE TABLE IF NOT EXISTS {db:Identifier}.pending_evaluations
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
    inserted_at   DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta(8), ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(inserted_at)
ORDER BY (inserted_at, trace_id, span_id)
TTL toDateTime(inserted_at) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
