// The optional clickhouseexporter migration on the real engine (embedded chDB): the exporter's
// otel_traces / otel_logs (test/fixtures/clickhouseexporter, its DDL restated) get rows as the
// Collector writes them, and the views fill inference_requests, evaluations, pending_evaluations
// and the minute rollups as docs/telemetry.md says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, readAppliedMigrations } from '../../../src/store/migrate';
import { loadMigrationFiles, loadOptionalMigrations } from '../../../src/store/migration-plan';
import { splitStatements } from '../../../src/store/sql-split';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'clickhouseexporter', 'otel-tables.sql');
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CHAT = 'b7ad6b7169203331';
const OLD = 'c7ad6b7169203332';
const ERR = 'd7ad6b7169203333';
const HTTP = 'e7ad6b7169203334';
const JUDGE = 'f7ad6b7169203335';

/** A DateTime64(9) as the exporter's JSONEachRow text: ms since T0, then extra nanoseconds. */
const at = (ms: number, ns = 0): string =>
  `${new Date(T0 + ms).toISOString().replace('T', ' ').replace('Z', '')}${String(ns).padStart(6, '0')}`;
/** The same instant as inference_requests.ts renders it (DateTime64(6)). */
const ts6 = (ms: number, ns = 0): string => at(ms, ns).slice(0, 26);

type Event = { ms: number; name: string; attributes: Record<string, string> };
function span(
  spanId: string,
  attributes: Record<string, string>,
  extra: { status?: string; durationNs?: number; parent?: string; events?: Event[] } = {},
) {
  const events = extra.events ?? [];
  return {
    Timestamp: at(0),
    TraceId: TRACE,
    SpanId: spanId,
    ParentSpanId: extra.parent ?? '',
    TraceState: '',
    SpanName: 'chat chimera',
    SpanKind: 'Server',
    ServiceName: 'chat-api',
    ResourceAttributes: { 'service.name': 'chat-api', 'service.version': '1.0' },
    ScopeName: 'sidecar',
    ScopeVersion: '',
    SpanAttributes: attributes,
    Duration: extra.durationNs ?? 1_234_567_890,
    StatusCode: extra.status ?? 'Unset',
    StatusMessage: '',
    'Events.Timestamp': events.map((e) => at(e.ms)),
    'Events.Name': events.map((e) => e.name),
    'Events.Attributes': events.map((e) => e.attributes),
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Attributes': [],
  };
}

function log(attributes: Record<string, string>, eventName: string, spanId: string) {
  return {
    Timestamp: at(5000),
    TraceId: spanId === '' ? '' : TRACE,
    SpanId: spanId,
    TraceFlags: 1,
    SeverityText: 'INFO',
    SeverityNumber: 9,
    ServiceName: 'evaluator',
    Body: '',
    ResourceSchemaUrl: '',
    ResourceAttributes: { 'service.name': 'evaluator', 'service.version': '7.1' },
    ScopeSchemaUrl: '',
    ScopeName: 'evals',
    ScopeVersion: '',
    ScopeAttributes: {},
    LogAttributes: attributes,
    EventName: eventName,
  };
}

const SPANS = [
  // A chat span with every key the mapping reads.
  span(
    CHAT,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'chimera',
      'gen_ai.response.model': 'chimera-2025-06',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'ignored',
      'gen_ai.response.id': 'resp-1',
      'gen_ai.usage.input_tokens': '12',
      'gen_ai.usage.output_tokens': '34',
      'gen_ai.response.time_to_first_chunk': '0.25',
      'insightagent.queue.duration': '0.05',
      'insightagent.batch.size': '4',
      'insightagent.cache.hit': 'false',
      'insightagent.model.version': 'v2',
      'insightagent.request.type': 'interactive',
      'insightagent.feature.age': '42',
      'insightagent.feature.country': 'fr',
      'insightagent.feature.premium': 'true',
      'insightagent.feature.tags': '["a","b"]',
      'insightagent.prompt.hash': 'h1',
      'insightagent.score.accuracy': '0.9',
      'insightagent.score.tone': 'polite',
      'http.route': '/v1/chat/completions',
    },
    {
      status: 'Ok',
      events: [
        {
          ms: 2000,
          name: 'gen_ai.evaluation.result',
          attributes: {
            'gen_ai.evaluation.name': 'coherence',
            'gen_ai.evaluation.score.value': '0.8',
            'gen_ai.evaluation.score.label': 'good',
            'gen_ai.evaluation.explanation': 'reads well',
            'insightagent.evaluation.evaluator': 'judge-1',
            'judge.temperature': '0',
          },
        },
        {
          ms: 2100,
          name: 'gen_ai.evaluation.result',
          attributes: {
            'gen_ai.evaluation.name': 'accuracy',
            'gen_ai.evaluation.score.value': '1.5',
          },
        },
      ],
    },
  ),
  // Deprecated names; no version attribute (service.version), no operation.
  span(OLD, {
    'gen_ai.request.model': 'llama',
    'gen_ai.system': 'vllm',
    'gen_ai.usage.prompt_tokens': '5',
    'gen_ai.usage.completion_tokens': '7',
    'gen_ai.server.time_to_first_token': '0.1',
  }),
  // An error span: model from the response, TTFT from the first-token event, tokens unreadable.
  span(
    ERR,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.response.model': 'chimera',
      'gen_ai.usage.input_tokens': 'many',
    },
    {
      status: 'Error',
      durationNs: 500_000_000,
      events: [{ ms: 300, name: 'gen_ai.first_token', attributes: {} }],
    },
  ),
  // Not GenAI: ignored.
  span(HTTP, { 'http.route': '/health', 'gen_ai.evaluation.name': 'x' }, { status: 'Ok' }),
  // An evaluator span judging the chat span, naming no model: its score waits in pending.
  span(
    JUDGE,
    { 'evaluator.kind': 'llm' },
    {
      parent: CHAT,
      events: [
        {
          ms: 3000,
          name: 'gen_ai.evaluation.result',
          attributes: {
            'gen_ai.evaluation.name': 'helpfulness',
            'gen_ai.evaluation.score.value': '0.5',
          },
        },
      ],
    },
  ),
];

const LOGS = [
  log(
    {
      'gen_ai.evaluation.name': 'accuracy',
      'gen_ai.evaluation.score.value': '0.75',
      'gen_ai.request.model': 'chimera',
      'gen_ai.evaluation.evaluator': 'labeler',
      'review.queue': 'gold',
    },
    'gen_ai.evaluation.result',
    CHAT,
  ),
  log(
    {
      'event.name': 'gen_ai.evaluation.result',
      'gen_ai.evaluation.name': 'thumbs',
      'gen_ai.evaluation.score.label': 'up',
    },
    '',
    OLD,
  ),
  log({ 'gen_ai.evaluation.name': 'accuracy', 'gen_ai.evaluation.score.value': '1' }, '', ''),
  log(
    { 'gen_ai.evaluation.name': 'nolink', 'gen_ai.evaluation.score.value': '1' },
    'gen_ai.evaluation.result',
    '',
  ),
];

describe('optional migration: views over the clickhouseexporter tables', () => {
  let store: Store;
  const params = (s: Store) => ({
    otel_db: s.database,
    otel_traces: 'otel_traces',
    otel_logs: 'otel_logs',
  });

  beforeAll(async () => {
    store = await openTestStore('chexporter');
    await migrate(store, loadMigrationFiles());
    for (const sql of splitStatements(readFileSync(FIXTURE, 'utf8'))) {
      await store.command({ tag: 'test.fixture', sql, params: { otel_db: store.database } });
    }
    const result = await migrate(store, [
      ...loadMigrationFiles(),
      ...loadOptionalMigrations('clickhouseexporter', params(store)),
    ]);
    expect(result.applied.map((f) => f.name)).toEqual(['9001_clickhouseexporter_views.sql']);
    await store.insert({ tag: 'test.spans', table: 'otel_traces', rows: SPANS });
    await store.insert({ tag: 'test.logs', table: 'otel_logs', rows: LOGS });
  }, 60_000);

  afterAll(async () => {
    await closeTestStore(store);
  });

  it('is recorded, re-runs as a no-op, and the default set alone neither re-applies nor refuses it', async () => {
    const applied = await readAppliedMigrations(store);
    expect(applied.at(-1)).toMatchObject({
      version: 9001,
      name: '9001_clickhouseexporter_views.sql',
    });
    const again = await migrate(store, [
      ...loadMigrationFiles(),
      ...loadOptionalMigrations('clickhouseexporter', params(store)),
    ]);
    expect(again.applied).toEqual([]);
    const defaults = await migrate(store, loadMigrationFiles());
    expect(defaults.plan.unknown).toEqual([]);
    expect(defaults.plan.pending).toEqual([]);
  });

  it('maps GenAI spans to inference_requests and ignores other spans', async () => {
    const rows = await store.query<Record<string, unknown>>({
      tag: 'test.requests',
      sql: `SELECT toString(ts) AS ts, model, model_version, provider, service, operation, request_type,
                   trace_id, span_id, response_id, toString(status) AS status, error_type, latency_ms,
                   ttft_ms, queue_ms, batch_size, input_tokens, output_tokens, cache_hit,
                   features_num, features_cat, attributes, resource_attributes
            FROM {db:Identifier}.inference_requests ORDER BY span_id`,
    });
    const resource = { 'service.name': 'chat-api', 'service.version': '1.0' };
    expect(rows).toEqual([
      {
        ts: ts6(0),
        model: 'chimera',
        model_version: 'v2',
        provider: 'openai',
        service: 'chat-api',
        operation: 'chat',
        request_type: 'interactive',
        trace_id: TRACE,
        span_id: CHAT,
        response_id: 'resp-1',
        status: 'ok',
        error_type: '',
        latency_ms: 1234.56789,
        ttft_ms: 250,
        queue_ms: 50,
        batch_size: 4,
        input_tokens: 12,
        output_tokens: 34,
        cache_hit: false,
        features_num: { age: 42 },
        features_cat: { country: 'fr', premium: 'true' },
        attributes: {
          'gen_ai.response.model': 'chimera-2025-06',
          'http.route': '/v1/chat/completions',
          'insightagent.feature.tags': '["a","b"]',
          'insightagent.prompt.hash': 'h1',
        },
        resource_attributes: resource,
      },
      {
        ts: ts6(0),
        model: 'llama',
        model_version: '1.0',
        provider: 'vllm',
        service: 'chat-api',
        operation: '',
        request_type: '',
        trace_id: TRACE,
        span_id: OLD,
        response_id: '',
        status: 'unset',
        error_type: '',
        latency_ms: 1234.56789,
        ttft_ms: 100,
        queue_ms: null,
        batch_size: null,
        input_tokens: 5,
        output_tokens: 7,
        cache_hit: null,
        features_num: {},
        features_cat: {},
        attributes: {},
        resource_attributes: resource,
      },
      {
        ts: ts6(0),
        model: 'chimera',
        model_version: '1.0',
        provider: '',
        service: 'chat-api',
        operation: 'chat',
        request_type: 'chat',
        trace_id: TRACE,
        span_id: ERR,
        response_id: '',
        status: 'error',
        error_type: '_OTHER',
        latency_ms: 500,
        ttft_ms: 300,
        queue_ms: null,
        batch_size: null,
        input_tokens: null,
        output_tokens: null,
        cache_hit: null,
        features_num: {},
        features_cat: {},
        attributes: { 'gen_ai.usage.input_tokens': 'many' },
        resource_attributes: resource,
      },
    ]);
  });

  it('maps span events, inline scores and log records to evaluations', async () => {
    const rows = await store.query<Record<string, unknown>>({
      tag: 'test.evaluations',
      sql: `SELECT toString(ts) AS ts, model, model_version, trace_id, span_id, response_id, name,
                   value, label, explanation, evaluator, attributes
            FROM {db:Identifier}.evaluations ORDER BY name, ts`,
    });
    const chat = { model: 'chimera', trace_id: TRACE, span_id: CHAT };
    expect(rows).toEqual([
      {
        ...chat,
        ts: ts6(0),
        model_version: 'v2',
        response_id: 'resp-1',
        name: 'accuracy',
        value: 0.9,
        label: '',
        explanation: '',
        evaluator: '',
        attributes: {},
      },
      // the log record: version from its resource; the span's 1.5 accuracy event is out of range and dropped
      {
        ...chat,
        ts: ts6(5000),
        model_version: '7.1',
        response_id: '',
        name: 'accuracy',
        value: 0.75,
        label: '',
        explanation: '',
        evaluator: 'labeler',
        attributes: { 'review.queue': 'gold' },
      },
      {
        ...chat,
        ts: ts6(2000),
        model_version: 'v2',
        response_id: 'resp-1',
        name: 'coherence',
        value: 0.8,
        label: 'good',
        explanation: 'reads well',
        evaluator: 'judge-1',
        attributes: { 'judge.temperature': '0' },
      },
      {
        ...chat,
        ts: ts6(0),
        model_version: 'v2',
        response_id: 'resp-1',
        name: 'tone',
        value: null,
        label: 'polite',
        explanation: '',
        evaluator: '',
        attributes: {},
      },
    ]);
  });

  it('keeps scores without a model in pending_evaluations, linked to the judged span', async () => {
    const rows = await store.query<Record<string, unknown>>({
      tag: 'test.pending',
      sql: `SELECT toString(ts) AS ts, model, model_version, trace_id, span_id, response_id, name, value, label
            FROM {db:Identifier}.pending_evaluations ORDER BY name`,
    });
    expect(rows).toEqual([
      {
        ts: ts6(3000),
        model: '',
        model_version: '',
        trace_id: TRACE,
        span_id: CHAT,
        response_id: '',
        name: 'helpfulness',
        value: 0.5,
        label: '',
      },
      {
        ts: ts6(5000),
        model: '',
        model_version: '',
        trace_id: TRACE,
        span_id: OLD,
        response_id: '',
        name: 'thumbs',
        value: null,
        label: 'up',
      },
    ]);
  });

  it('fills the minute rollups through the views', async () => {
    const [requests] = await store.query<{ requests: number; errors: number; ttft: number }>({
      tag: 'test.requests_1m',
      sql: `SELECT sum(requests) AS requests, sum(errors) AS errors, sum(ttft_count) AS ttft
            FROM {db:Identifier}.requests_1m`,
    });
    expect(requests).toEqual({ requests: 3, errors: 1, ttft: 3 });
    const scores = await store.query<{ name: string; n: number }>({
      tag: 'test.evaluations_1m',
      sql: `SELECT name, sum(evaluations) AS n FROM {db:Identifier}.evaluations_1m GROUP BY name ORDER BY name`,
    });
    expect(scores).toEqual([
      { name: 'accuracy', n: 2 },
      { name: 'coherence', n: 1 },
      { name: 'tone', n: 1 },
    ]);
  });
});
