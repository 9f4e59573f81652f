-- The alert state machine's memory (src/alerts/state.ts): one row per fingerprint (SLO x model x
-- severity), the newest version wins. The SLO job loads every state, steps it with the minute's
-- evaluations, enqueues the notifications in the outbox, then saves the states it changed.
CREATE TABLE IF NOT EXISTS {db:Identifier}.alert_states
(
    fingerprint String,
    slo         LowCardinality(String),
    model       LowCardinality(String),
    severity    Enum8('ticket' = 1, 'page' = 2),
    phase       LowCardinality(String),
    state       String CODEC(ZSTD(3)),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY fingerprint;
