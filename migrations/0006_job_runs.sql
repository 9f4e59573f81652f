-- One row per scheduled job x window; the newest version of a row (updated_at) wins.
-- Makes jobs idempotent per window and lets a restarted scheduler catch up.
CREATE TABLE IF NOT EXISTS {db:Identifier}.job_runs
(
    job          LowCardinality(String),
    window_start DateTime64(3, 'UTC'),
    window_end   DateTime64(3, 'UTC'),
    status       Enum8('running' = 1, 'succeeded' = 2, 'failed' = 3, 'skipped' = 4),
    attempt      UInt16,
    runner       String,
    started_at   DateTime64(3, 'UTC'),
    finished_at  Nullable(DateTime64(3, 'UTC')),
    error        String CODEC(ZSTD(3)),
    details      String CODEC(ZSTD(3)),
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(window_start)
ORDER BY (job, window_start, window_end)
TTL toDateTime(window_start) + INTERVAL 395 DAY;
