-- Drift (src/drift/): reference profiles summarised once and reused, and the reports of drift
-- runs with one result row per feature.

-- One row per reference profile x feature: what a drift run needs of the reference, so that it
-- never re-reads the reference rows. `source` says where the profile came from: a pinned or
-- rolling window of the model's own requests, or an uploaded file (typically the training set).
--   numeric:      n, mean, std (population), min, max; `quantiles` at `quantile_levels`
--                 (the sketch Wasserstein and approximate KS read); `edges` + `counts` the
--                 reference-decile bins (PSI, Jensen-Shannon; counts exact from the values when
--                 kept, else read off the sketch); `sample_values` every value, sorted, when
--                 n <= the exact cap (exact KS), else empty.
--   categorical:  n and `categories` (value -> count).
CREATE TABLE IF NOT EXISTS {db:Identifier}.reference_profiles
(
    profile_id      String,
    model           LowCardinality(String),
    source          Enum8('window' = 1, 'upload' = 2),
    window_from     Nullable(DateTime64(3, 'UTC')),
    window_to       Nullable(DateTime64(3, 'UTC')),
    description     String,
    feature         String,
    kind            Enum8('numeric' = 1, 'categorical' = 2),
    n               UInt64,
    mean            Float64,
    std             Float64,
    min             Float64,
    max             Float64,
    quantile_levels Array(Float64),
    quantiles       Array(Float64),
    edges           Array(Float64),
    counts          Array(Float64),
    sample_values   Array(Float64) CODEC(ZSTD(3)),
    categories      Map(String, UInt64),
    created_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (model, profile_id, feature);

-- One row per drift run: the model, the windows compared, the verdict. A run of the same
-- monitor, model and window (a replay, or POST /api/v1/drift/run racing the scheduler) has the
-- same report_id and replaces the row: the key and the partition depend on the report alone.
CREATE TABLE IF NOT EXISTS {db:Identifier}.drift_reports
(
    report_id        String,
    model            LowCardinality(String),
    model_version    LowCardinality(String),
    monitor          LowCardinality(String),
    created_at       DateTime64(3, 'UTC'),
    current_from     DateTime64(3, 'UTC'),
    current_to       DateTime64(3, 'UTC'),
    reference_id     String,
    reference_from   Nullable(DateTime64(3, 'UTC')),
    reference_to     Nullable(DateTime64(3, 'UTC')),
    reference_desc   String,
    features         UInt32,
    drifted          UInt32,
    insufficient     UInt32,
    drift_share      Float64,
    share_threshold  Float64,
    dataset_drift    Bool,
    correction       LowCardinality(String)
)
ENGINE = ReplacingMergeTree(created_at)
PARTITION BY toYYYYMM(current_to)
ORDER BY (model, report_id)
TTL toDateTime(current_to) + INTERVAL 395 DAY;

-- One row per report x feature: the method, its statistic against the threshold, the verdict,
-- and both histograms on the same bins (what the HTML report draws). Not partitioned: a
-- replayed report's rows must land beside the ones they replace.
CREATE TABLE IF NOT EXISTS {db:Identifier}.drift_results
(
    report_id         String,
    model             LowCardinality(String),
    created_at        DateTime64(3, 'UTC'),
    feature           String,
    kind              Enum8('numeric' = 1, 'categorical' = 2),
    status            Enum8('ok' = 1, 'drifted' = 2, 'insufficient_data' = 3),
    method            LowCardinality(String),
    statistic         Nullable(Float64),
    p_value           Nullable(Float64),
    adjusted_p_value  Nullable(Float64),
    threshold         Float64,
    reference_n       UInt64,
    current_n         UInt64,
    bins              Array(String),
    reference_counts  Array(Float64),
    current_counts    Array(Float64),
    details           String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (model, report_id, feature)
TTL toDateTime(created_at) + INTERVAL 395 DAY;
