-- One row per SLO x model x evaluation (the SLO job, once a minute): the SLI over the SLO
-- window, the error budget, burn rates per window and which alert condition fires.
-- GET /api/v1/slos reads the newest row per SLO x model; dashboards chart the history.
CREATE TABLE IF NOT EXISTS {db:Identifier}.slo_status
(
    evaluated_at     DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    slo              LowCardinality(String),
    model            LowCardinality(String),
    objective        Float64,
    method           Enum8('occurrences' = 1, 'timeslices' = 2),
    sli              Nullable(Float64),
    good             Float64,
    total            Float64,
    budget_total     Float64,
    budget_consumed  Nullable(Float64),
    budget_remaining Nullable(Float64),
    burn_rates       Map(LowCardinality(String), Nullable(Float64)),
    firing           Enum8('none' = 0, 'ticket' = 1, 'page' = 2),
    conditions       String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(evaluated_at)
ORDER BY (slo, model, evaluated_at)
TTL evaluated_at + INTERVAL 395 DAY;
