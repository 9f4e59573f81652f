-- Retraining triggers (src/retrain/retrainer.ts): one row per trigger sent to one target.
-- `trigger_id` = `<idempotency_key>.<target>` is also the outbox message id (the webhook-id);
-- `idempotency_key` hashes model, reason and window, so one window triggers one target once.
-- A replayed insert of the same trigger folds away (ReplacingMergeTree on the ORDER BY key).
-- `evidence` is the JSON of the evidence behind the trigger (no secrets).
CREATE TABLE IF NOT EXISTS {db:Identifier}.retrain_triggers
(
    trigger_id      String,
    idempotency_key String,
    model           LowCardinality(String),
    model_version   String,
    reason          LowCardinality(String),
    target          LowCardinality(String),
    target_kind     LowCardinality(String),
    window_from     String,
    window_to       String,
    report_id       String,
    evidence        String CODEC(ZSTD(3)),
    created_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (model, trigger_id);
