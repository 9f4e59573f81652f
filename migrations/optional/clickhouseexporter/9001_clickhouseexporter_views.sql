-- OPTIONAL (insightagent migrate --with clickhouseexporter): materialized views from the tables
-- the OpenTelemetry Collector's contrib clickhouseexporter writes (otel_traces, otel_logs) into
-- inference_requests, evaluations and pending_evaluations, mapping as src/ingest/genai does
-- (docs/telemetry.md, whose section "Through the clickhouseexporter" lists the differences). The exporter's database and
-- tables are bound parameters: {otel_db}, {otel_traces}, {otel_logs}. The exporter writes every
-- attribute as text, so numbers are read with toFloat64OrNull. A value the OTLP path would
-- refuse its span for leaves its column NULL here: a view cannot refuse a row the Collector wrote.

-- GenAI inference spans -> inference_requests (and, through requests_1m_mv, the minute rollup).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_traces_requests_mv
TO {db:Identifier}.inference_requests
AS SELECT
    toDateTime64(Timestamp, 6, 'UTC') AS ts,
    if(a['gen_ai.request.model'] != '', a['gen_ai.request.model'], a['gen_ai.response.model']) AS model,
    if(a['insightagent.model.version'] != '', a['insightagent.model.version'], ResourceAttributes['service.version']) AS model_version,
    if(a['gen_ai.provider.name'] != '', a['gen_ai.provider.name'], a['gen_ai.system']) AS provider,
    ServiceName AS service,
    a['gen_ai.operation.name'] AS operation,
    if(a['insightagent.request.type'] != '', a['insightagent.request.type'], a['gen_ai.operation.name']) AS request_type,
    lower(TraceId) AS trace_id,
    lower(SpanId) AS span_id,
    a['gen_ai.response.id'] AS response_id,
    span_status AS status,
    if(mapContains(a, 'error.type'), a['error.type'], if(span_status = 'error', '_OTHER', '')) AS error_type,
    Duration / 1e6 AS latency_ms,
    multiIf(
        ttft_s IS NOT NULL, if(isFinite(ttft_s) AND ttft_s >= 0, ttft_s * 1000, NULL),
        first_token_ns IS NOT NULL, if(first_token_ns >= 0, first_token_ns / 1e6, NULL),
        NULL) AS ttft_ms,
    if(isFinite(queue_s) AND queue_s >= 0, queue_s * 1000, NULL) AS queue_ms,
    if(batch_n = floor(batch_n) AND batch_n BETWEEN 0 AND 65535, toUInt16(batch_n), NULL) AS batch_size,
    if(input_n = floor(input_n) AND input_n BETWEEN 0 AND 4294967295, toUInt32(input_n), NULL) AS input_tokens,
    if(output_n = floor(output_n) AND output_n BETWEEN 0 AND 4294967295, toUInt32(output_n), NULL) AS output_tokens,
    multiIf(lower(trimBoth(a['insightagent.cache.hit'])) = 'true', true,
            lower(trimBoth(a['insightagent.cache.hit'])) = 'false', false, NULL) AS cache_hit,
    mapApply((k, v) -> (substring(k, 22), toFloat64(v)),
        mapFilter((k, v) -> startsWith(k, 'insightagent.feature.') AND length(k) > 21
            AND isFinite(ifNull(toFloat64OrNull(trimBoth(v)), nan)), a)) AS features_num,
    mapApply((k, v) -> (substring(k, 22), v),
        mapFilter((k, v) -> startsWith(k, 'insightagent.feature.') AND length(k) > 21
            AND toFloat64OrNull(trimBoth(v)) IS NULL AND NOT match(v, '^\\s*[\\[{]'), a)) AS features_cat,
    mapFilter((k, v) ->
        multiIf(
            k IN ('gen_ai.request.model', 'gen_ai.operation.name', 'insightagent.model.version',
                  'gen_ai.provider.name', 'gen_ai.system', 'insightagent.request.type',
                  'gen_ai.response.id', 'error.type'), false,
            k = 'gen_ai.response.model', a['gen_ai.request.model'] != '' AND v != '',
            k IN ('gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens',
                  'gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens',
                  'gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token',
                  'insightagent.queue.duration', 'insightagent.batch.size'),
                toFloat64OrNull(trimBoth(v)) IS NULL,
            k = 'insightagent.cache.hit', lower(trimBoth(v)) NOT IN ('true', 'false'),
            startsWith(k, 'insightagent.feature.') AND length(k) > 21,
                NOT isFinite(ifNull(toFloat64OrNull(trimBoth(v)), 0)) OR match(v, '^\\s*[\\[{]'),
            startsWith(k, 'insightagent.score.') AND length(k) > 19, false,
            true),
        a) AS attributes,
    ResourceAttributes AS resource_attributes
FROM
(
    SELECT
        *,
        SpanAttributes AS a,
        multiIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR'), 'error',
                StatusCode IN ('Ok', 'STATUS_CODE_OK'), 'ok', 'unset') AS span_status,
        coalesce(toFloat64OrNull(trimBoth(a['gen_ai.response.time_to_first_chunk'])),
                 toFloat64OrNull(trimBoth(a['gen_ai.server.time_to_first_token']))) AS ttft_s,
        indexOf(Events.Name, 'gen_ai.first_token') AS first_token_at,
        if(first_token_at = 0, NULL,
           toInt64(toUnixTimestamp64Nano(Events.Timestamp[first_token_at]))
             - toInt64(toUnixTimestamp64Nano(Timestamp))) AS first_token_ns,
        toFloat64OrNull(trimBoth(a['insightagent.queue.duration'])) AS queue_s,
        toFloat64OrNull(trimBoth(a['insightagent.batch.size'])) AS batch_n,
        coalesce(toFloat64OrNull(trimBoth(a['gen_ai.usage.input_tokens'])),
                 toFloat64OrNull(trimBoth(a['gen_ai.usage.prompt_tokens']))) AS input_n,
        coalesce(toFloat64OrNull(trimBoth(a['gen_ai.usage.output_tokens'])),
                 toFloat64OrNull(trimBoth(a['gen_ai.usage.completion_tokens']))) AS output_n
    FROM {otel_db:Identifier}.{otel_traces:Identifier}
    WHERE mapContains(SpanAttributes, 'gen_ai.operation.name')
       OR mapContains(SpanAttributes, 'gen_ai.request.model')
);

-- gen_ai.evaluation.result span events -> evaluations (inference spans, and evaluator spans
-- that name a model) or pending_evaluations (evaluator spans that do not; see the next view).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_span_evaluations_mv
TO {db:Identifier}.evaluations
AS SELECT
    ts, model, model_version, trace_id, span_id, response_id, name, value, label, explanation,
    evaluator, attributes
FROM
(
    SELECT
        if(toUnixTimestamp64Nano(ev_ts) = 0,
           fromUnixTimestamp64Nano(toInt64(toUnixTimestamp64Nano(Timestamp)) + toInt64(Duration), 'UTC'),
           ev_ts) AS ev_time,
        toDateTime64(ev_time, 6, 'UTC') AS ts,
        mapContains(SpanAttributes, 'gen_ai.operation.name')
            OR mapContains(SpanAttributes, 'gen_ai.request.model') AS is_request,
        if(SpanAttributes['gen_ai.request.model'] != '', SpanAttributes['gen_ai.request.model'],
           SpanAttributes['gen_ai.response.model']) AS span_model,
        if(e['gen_ai.request.model'] != '', e['gen_ai.request.model'], e['gen_ai.response.model']) AS event_model,
        if(is_request OR event_model = '', span_model, event_model) AS model,
        multiIf(
            NOT is_request AND e['insightagent.model.version'] != '', e['insightagent.model.version'],
            SpanAttributes['insightagent.model.version'] != '', SpanAttributes['insightagent.model.version'],
            ResourceAttributes['service.version']) AS version_if_known,
        if(is_request OR model != '', version_if_known, '') AS model_version,
        if(e['gen_ai.response.id'] != '', e['gen_ai.response.id'], SpanAttributes['gen_ai.response.id']) AS response_id,
        if(NOT is_request AND response_id != '', '', lower(TraceId)) AS trace_id,
        multiIf(is_request, lower(SpanId), response_id != '', '',
                ParentSpanId != '', lower(ParentSpanId), lower(SpanId)) AS span_id,
        e['gen_ai.evaluation.name'] AS name,
        toFloat64OrNull(trimBoth(e['gen_ai.evaluation.score.value'])) AS value,
        mapContains(e, 'gen_ai.evaluation.score.value') AS has_value,
        e['gen_ai.evaluation.score.label'] AS label,
        e['gen_ai.evaluation.explanation'] AS explanation,
        if(e['gen_ai.evaluation.evaluator'] != '', e['gen_ai.evaluation.evaluator'],
           e['insightagent.evaluation.evaluator']) AS evaluator,
        mapFilter((k, v) -> k NOT IN ('gen_ai.evaluation.name', 'gen_ai.evaluation.score.value',
            'gen_ai.evaluation.score.label', 'gen_ai.evaluation.explanation',
            'gen_ai.evaluation.evaluator', 'insightagent.evaluation.evaluator', 'gen_ai.response.id',
            'gen_ai.request.model', 'gen_ai.response.model', 'insightagent.model.version',
            'event.name'), e) AS attributes
    FROM {otel_db:Identifier}.{otel_traces:Identifier}
    ARRAY JOIN Events.Timestamp AS ev_ts, Events.Name AS ev_name, Events.Attributes AS e
    WHERE ev_name = 'gen_ai.evaluation.result'
)
WHERE (is_request OR model != '')
  AND name != ''
  AND (NOT has_value OR isFinite(ifNull(value, nan)))
  AND NOT (name IN ('accuracy', 'coherence') AND ifNull(value NOT BETWEEN 0 AND 1, false));

-- gen_ai.evaluation.result span events on evaluator spans that name no model -> pending_evaluations
-- (the attribution job moves them once the judged request is stored).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_span_pending_evaluations_mv
TO {db:Identifier}.pending_evaluations
AS SELECT
    ts, model, model_version, trace_id, span_id, response_id, name, value, label, explanation,
    evaluator, attributes
FROM
(
    SELECT
        if(toUnixTimestamp64Nano(ev_ts) = 0,
           fromUnixTimestamp64Nano(toInt64(toUnixTimestamp64Nano(Timestamp)) + toInt64(Duration), 'UTC'),
           ev_ts) AS ev_time,
        toDateTime64(ev_time, 6, 'UTC') AS ts,
        mapContains(SpanAttributes, 'gen_ai.operation.name')
            OR mapContains(SpanAttributes, 'gen_ai.request.model') AS is_request,
        if(e['gen_ai.request.model'] != '', e['gen_ai.request.model'],
           if(e['gen_ai.response.model'] != '', e['gen_ai.response.model'], SpanAttributes['gen_ai.response.model'])) AS model,
        '' AS model_version,
        if(e['gen_ai.response.id'] != '', e['gen_ai.response.id'], SpanAttributes['gen_ai.response.id']) AS response_id,
        if(response_id != '', '', lower(TraceId)) AS trace_id,
        multiIf(response_id != '', '', ParentSpanId != '', lower(ParentSpanId), lower(SpanId)) AS span_id,
        e['gen_ai.evaluation.name'] AS name,
        toFloat64OrNull(trimBoth(e['gen_ai.evaluation.score.value'])) AS value,
        mapContains(e, 'gen_ai.evaluation.score.value') AS has_value,
        e['gen_ai.evaluation.score.label'] AS label,
        e['gen_ai.evaluation.explanation'] AS explanation,
        if(e['gen_ai.evaluation.evaluator'] != '', e['gen_ai.evaluation.evaluator'],
           e['insightagent.evaluation.evaluator']) AS evaluator,
        mapFilter((k, v) -> k NOT IN ('gen_ai.evaluation.name', 'gen_ai.evaluation.score.value',
            'gen_ai.evaluation.score.label', 'gen_ai.evaluation.explanation',
            'gen_ai.evaluation.evaluator', 'insightagent.evaluation.evaluator', 'gen_ai.response.id',
            'gen_ai.request.model', 'gen_ai.response.model', 'insightagent.model.version',
            'event.name'), e) AS attributes
    FROM {otel_db:Identifier}.{otel_traces:Identifier}
    ARRAY JOIN Events.Timestamp AS ev_ts, Events.Name AS ev_name, Events.Attributes AS e
    WHERE ev_name = 'gen_ai.evaluation.result'
)
WHERE NOT is_request AND model = ''
  AND name != ''
  AND (NOT has_value OR isFinite(ifNull(value, nan)))
  AND NOT (name IN ('accuracy', 'coherence') AND ifNull(value NOT BETWEEN 0 AND 1, false));

-- insightagent.score.<name> attributes of inference spans -> evaluations at the span's start:
-- a number is the value, any other text the label.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_span_inline_scores_mv
TO {db:Identifier}.evaluations
AS SELECT
    ts, model, model_version, trace_id, span_id, response_id, name, value, label, explanation,
    evaluator, attributes
FROM
(
    SELECT
        toDateTime64(Timestamp, 6, 'UTC') AS ts,
        if(SpanAttributes['gen_ai.request.model'] != '', SpanAttributes['gen_ai.request.model'],
           SpanAttributes['gen_ai.response.model']) AS model,
        if(SpanAttributes['insightagent.model.version'] != '', SpanAttributes['insightagent.model.version'],
           ResourceAttributes['service.version']) AS model_version,
        lower(TraceId) AS trace_id,
        lower(SpanId) AS span_id,
        SpanAttributes['gen_ai.response.id'] AS response_id,
        substring(score.1, 20) AS name,
        toFloat64OrNull(trimBoth(score.2)) AS value,
        if(value IS NULL, score.2, '') AS label,
        '' AS explanation,
        '' AS evaluator,
        map() AS attributes
    FROM {otel_db:Identifier}.{otel_traces:Identifier}
    ARRAY JOIN arrayFilter(kv -> startsWith(kv.1, 'insightagent.score.') AND length(kv.1) > 19,
                           arrayZip(mapKeys(SpanAttributes), mapValues(SpanAttributes))) AS score
    WHERE mapContains(SpanAttributes, 'gen_ai.operation.name')
       OR mapContains(SpanAttributes, 'gen_ai.request.model')
)
WHERE isFinite(ifNull(value, 0))
  AND NOT (name IN ('accuracy', 'coherence') AND ifNull(value NOT BETWEEN 0 AND 1, false));

-- gen_ai.evaluation.result log records (EventName, else the event.name attribute): with a model
-- -> evaluations; without one but linked by span ids or gen_ai.response.id -> pending_evaluations.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_log_evaluations_mv
TO {db:Identifier}.evaluations
AS SELECT
    ts, model, model_version, trace_id, span_id, response_id, name, value, label, explanation,
    evaluator, attributes
FROM
(
    SELECT
        if(toUnixTimestamp64Nano(Timestamp) = 0, now64(6, 'UTC'), toDateTime64(Timestamp, 6, 'UTC')) AS ts,
        if(LogAttributes['gen_ai.request.model'] != '', LogAttributes['gen_ai.request.model'],
           LogAttributes['gen_ai.response.model']) AS model,
        if(model = '', '',
           if(LogAttributes['insightagent.model.version'] != '', LogAttributes['insightagent.model.version'],
              ResourceAttributes['service.version'])) AS model_version,
        lower(TraceId) AS trace_id,
        lower(SpanId) AS span_id,
        LogAttributes['gen_ai.response.id'] AS response_id,
        LogAttributes['gen_ai.evaluation.name'] AS name,
        toFloat64OrNull(trimBoth(LogAttributes['gen_ai.evaluation.score.value'])) AS value,
        mapContains(LogAttributes, 'gen_ai.evaluation.score.value') AS has_value,
        LogAttributes['gen_ai.evaluation.score.label'] AS label,
        LogAttributes['gen_ai.evaluation.explanation'] AS explanation,
        if(LogAttributes['gen_ai.evaluation.evaluator'] != '', LogAttributes['gen_ai.evaluation.evaluator'],
           LogAttributes['insightagent.evaluation.evaluator']) AS evaluator,
        mapFilter((k, v) -> k NOT IN ('gen_ai.evaluation.name', 'gen_ai.evaluation.score.value',
            'gen_ai.evaluation.score.label', 'gen_ai.evaluation.explanation',
            'gen_ai.evaluation.evaluator', 'insightagent.evaluation.evaluator', 'gen_ai.response.id',
            'gen_ai.request.model', 'gen_ai.response.model', 'insightagent.model.version',
            'event.name'), LogAttributes) AS attributes
    FROM {otel_db:Identifier}.{otel_logs:Identifier}
    WHERE if(EventName != '', EventName, LogAttributes['event.name']) = 'gen_ai.evaluation.result'
)
WHERE model != ''
  AND name != ''
  AND (NOT has_value OR isFinite(ifNull(value, nan)))
  AND NOT (name IN ('accuracy', 'coherence') AND ifNull(value NOT BETWEEN 0 AND 1, false));

CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_log_pending_evaluations_mv
TO {db:Identifier}.pending_evaluations
AS SELECT
    ts, model, model_version, trace_id, span_id, response_id, name, value, label, explanation,
    evaluator, attributes
FROM
(
    SELECT
        if(toUnixTimestamp64Nano(Timestamp) = 0, now64(6, 'UTC'), toDateTime64(Timestamp, 6, 'UTC')) AS ts,
        if(LogAttributes['gen_ai.request.model'] != '', LogAttributes['gen_ai.request.model'],
           LogAttributes['gen_ai.response.model']) AS model,
        '' AS model_version,
        lower(TraceId) AS trace_id,
        lower(SpanId) AS span_id,
        LogAttributes['gen_ai.response.id'] AS response_id,
        LogAttributes['gen_ai.evaluation.name'] AS name,
        toFloat64OrNull(trimBoth(LogAttributes['gen_ai.evaluation.score.value'])) AS value,
        mapContains(LogAttributes, 'gen_ai.evaluation.score.value') AS has_value,
        LogAttributes['gen_ai.evaluation.score.label'] AS label,
        LogAttributes['gen_ai.evaluation.explanation'] AS explanation,
        if(LogAttributes['gen_ai.evaluation.evaluator'] != '', LogAttributes['gen_ai.evaluation.evaluator'],
           LogAttributes['insightagent.evaluation.evaluator']) AS evaluator,
        mapFilter((k, v) -> k NOT IN ('gen_ai.evaluation.name', 'gen_ai.evaluation.score.value',
            'gen_ai.evaluation.score.label', 'gen_ai.evaluation.explanation',
            'gen_ai.evaluation.evaluator', 'insightagent.evaluation.evaluator', 'gen_ai.response.id',
            'gen_ai.request.model', 'gen_ai.response.model', 'insightagent.model.version',
            'event.name'), LogAttributes) AS attributes
    FROM {otel_db:Identifier}.{otel_logs:Identifier}
    WHERE if(EventName != '', EventName, LogAttributes['event.name']) = 'gen_ai.evaluation.result'
)
WHERE model = ''
  AND ((trace_id != '' AND span_id != '') OR response_id != '')
  AND name != ''
  AND (NOT has_value OR isFinite(ifNull(value, nan)))
  AND NOT (name IN ('accuracy', 'coherence') AND ifNull(value NOT BETWEEN 0 AND 1, false));
