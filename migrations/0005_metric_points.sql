-- One row per OTLP metric data point, as sent: gauges and sums in `value`; histograms in
-- count/sum/min/max with bucket_bounds + bucket_counts; exponential histograms in
-- scale/zero_count/positive_*/negative_*; summaries in quantiles + quantile_values.
CREATE TABLE IF NOT EXISTS {db:Identifier}.metric_points
(
    ts                  DateTime64(6, 'UTC') CODEC(Delta(8), ZSTD(1)),
    start_ts            Nullable(DateTime64(6, 'UTC')) CODEC(ZSTD(1)),
    name                LowCardinality(String),
    kind                Enum8('gauge' = 1, 'sum' = 2, 'histogram' = 3, 'exponential_histogram' = 4, 'summary' = 5),
    unit                LowCardinality(String),
    temporality         Enum8('unspecified' = 0, 'delta' = 1, 'cumulative' = 2),
    is_monotonic        Bool,
    service             LowCardinality(String),
    model               LowCardinality(String),
    value               Nullable(Float64) CODEC(ZSTD(1)),
    count               Nullable(UInt64),
    sum                 Nullable(Float64),
    min                 Nullable(Float64),
    max                 Nullable(Float64),
    bucket_bounds       Array(Float64) CODEC(ZSTD(1)),
    bucket_counts       Array(UInt64) CODEC(ZSTD(1)),
    scale               Nullable(Int32),
    zero_count          Nullable(UInt64),
    positive_offset     Nullable(Int32),
    positive_counts     Array(UInt64) CODEC(ZSTD(1)),
    negative_offset     Nullable(Int32),
    negative_counts     Array(UInt64) CODEC(ZSTD(1)),
    quantiles           Array(Float64) CODEC(ZSTD(1)),
    quantile_values     Array(Float64) CODEC(ZSTD(1)),
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource_attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    inserted_at         DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(Delta(8), ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (name, service, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
