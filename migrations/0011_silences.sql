-- Alert silences (src/alerts/silences.ts, POST/GET/DELETE /api/v1/silences): one row per version
-- of a silence, the highest `version` wins (FINAL). `matchers` is the JSON list of
-- {name, value, isRegex, isEqual}. DELETE expires a silence as Alertmanager does (ends_at = the
-- time of the DELETE) and sets `deleted` = 1, so an expired silence stays listable and one
-- expired by hand can be told from one that ran out.
CREATE TABLE IF NOT EXISTS {db:Identifier}.silences
(
    id         String,
    version    UInt64,
    matchers   String,
    starts_at  DateTime64(3, 'UTC'),
    ends_at    DateTime64(3, 'UTC'),
    created_by String,
    comment    String,
    deleted    UInt8,
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
