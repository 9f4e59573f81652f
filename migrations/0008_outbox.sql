-- One row per outbound HTTP message (alert notifications now, retrain triggers later); every
-- state change inserts a new version of the row and the highest `version` wins (FINAL).
-- `id` is the Standard Webhooks `webhook-id`, the same on every attempt. `request` is the
-- rendered request without its URL or secrets: the channel named in `channel` supplies those at
-- send time. last_status_code 0 = no HTTP answer (network error, timeout, not tried yet).
CREATE TABLE IF NOT EXISTS {db:Identifier}.outbox
(
    id               String,
    version          UInt64,
    destination_key  LowCardinality(String),
    channel          LowCardinality(String),
    kind             LowCardinality(String),
    request          String CODEC(ZSTD(3)),
    status           Enum8('pending' = 1, 'delivered' = 2, 'failed' = 3, 'disabled' = 4),
    attempts         UInt16,
    next_attempt_at  DateTime64(3, 'UTC'),
    last_status_code UInt16,
    last_error       String CODEC(ZSTD(3)),
    created_at       DateTime64(3, 'UTC'),
    updated_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created_at)
ORDER BY id
TTL toDateTime(updated_at) + INTERVAL 30 DAY;
