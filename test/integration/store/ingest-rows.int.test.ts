// The ingest repository on the real embedded store: rows land as sent, a retried INSERT of one
// flush is stored once, and its settings stay with that one statement.
import { INGEST_TABLES } from '../../../src/ingest/rows';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { openStore } from '../../../src/store/open';
import {
  encodeJsonEachRow,
  INGEST_INSERT_SETTINGS,
  insertIngestRows,
} from '../../../src/store/repositories/ingest-rows';
import type { Store } from '../../../src/store/store';
import { startFakeClickHouse } from '../../helpers/fake-clickhouse';
import { evaluationRow, requestRow } from '../../helpers/ingest-rows';
import { closeTestStore, openTestStore } from '../../helpers/store';

let store: Store;

beforeAll(async () => {
  store = await openTestStore('ingest_rows');
  await migrate(store, loadMigrationFiles());
});

afterAll(async () => {
  await closeTestStore(store);
});

async function count(table: string, spanId: string): Promise<number> {
  const [row] = await store.query<{ n: number }>({
    tag: 'test.count',
    sql: 'SELECT count() AS n FROM {db:Identifier}.{table:Identifier} WHERE span_id = {span:String}',
    params: { table, span: spanId },
  });
  return Number(row?.n);
}

describe('insertIngestRows', () => {
  it('stores every column as the row contract sends it', async () => {
    // Within retention (rows older than the TTL are dropped as they are written).
    const seconds = Math.floor(Date.now() / 1000) - 3600;
    const request = requestRow({
      ts: `${seconds}.123456`,
      queue_ms: 1.5,
      cache_hit: true,
      attributes: { 'gen_ai.system': 'x' },
    });
    await insertIngestRows(
      store,
      'inference_requests',
      encodeJsonEachRow([request]),
      'flush-columns',
    );
    const [stored] = await store.query<Record<string, unknown>>({
      tag: 'test.read',
      sql: `SELECT toString(ts) AS ts, model, trace_id, span_id, status, latency_ms, ttft_ms,
              queue_ms, batch_size, input_tokens, cache_hit, features_num, features_cat, attributes
            FROM {db:Identifier}.inference_requests WHERE span_id = {span:String}`,
      params: { span: request.span_id },
    });
    expect(stored).toEqual({
      ts: `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}.123456`,
      model: 'chimera',
      trace_id: request.trace_id,
      span_id: request.span_id,
      status: 'ok',
      latency_ms: 120.5,
      ttft_ms: 30.25,
      queue_ms: 1.5,
      batch_size: 4,
      input_tokens: 100,
      cache_hit: true,
      features_num: { length: 12 },
      features_cat: { region: 'eu' },
      attributes: { 'gen_ai.system': 'x' },
    });
  });

  it('stores a retried INSERT of the same flush once, and another flush of the same rows again', async () => {
    const request = requestRow();
    const score = evaluationRow(request, 'accuracy', 0.75);
    for (const flushId of ['flush-a', 'flush-a', 'flush-b']) {
      await insertIngestRows(store, 'inference_requests', encodeJsonEachRow([request]), flushId);
      await insertIngestRows(store, 'evaluations', encodeJsonEachRow([score]), flushId);
    }
    expect(await count('inference_requests', request.span_id)).toBe(2);
    expect(await count('evaluations', request.span_id)).toBe(2);
  });

  it('keeps its settings to its own statement: a later insert with no token is stored', async () => {
    const request = requestRow();
    const body = encodeJsonEachRow([request]);
    await insertIngestRows(store, 'inference_requests', body, 'flush-scoped');
    const other = requestRow();
    await store.insertJsonEachRow({
      tag: 'test.plain',
      table: 'inference_requests',
      body: encodeJsonEachRow([other]),
    });
    expect(await count('inference_requests', other.span_id)).toBe(1);
    const [setting] = await store.query<{ token: string }>({
      tag: 'test.settings',
      sql: "SELECT getSetting('insert_deduplication_token') AS token",
    });
    expect(setting?.token).toBe('');
  });

  it('is accepted, settings and all, by every ingest table', async () => {
    for (const table of INGEST_TABLES) {
      // An all-defaults row: the statement and its settings are what is under test.
      await expect(
        insertIngestRows(store, table, Buffer.from('{}\n'), 'flush-every'),
      ).resolves.toBeUndefined();
    }
  });
});

describe('insertIngestRows in server mode', () => {
  it('sends the rows with bound settings, and the same token on a retry after a dropped connection', async () => {
    const fake = await startFakeClickHouse((_request, index) =>
      index === 0 ? { kind: 'reset' } : { kind: 'rows', rows: [] },
    );
    const server = openStore({
      kind: 'server',
      url: fake.url,
      username: 'default',
      password: '',
      database: 'insight_test',
    });
    try {
      const body = encodeJsonEachRow([requestRow(), requestRow()]);
      await insertIngestRows(server, 'inference_requests', body, 'flush-retried');
      const inserts = fake.requests.filter((r) => r.path === '/');
      expect(inserts).toHaveLength(2);
      for (const insert of inserts) {
        expect(insert.sql).toMatch(
          /^INSERT INTO \{db:Identifier\}\.\{table:Identifier\} SETTINGS async_insert = \{setting_0:Int64\}, .* FORMAT JSONEachRow$/,
        );
        expect(insert.data).toBe(body.toString());
        expect(insert.params).toMatchObject({
          param_db: 'insight_test',
          param_table: 'inference_requests',
        });
        const token = Object.keys(INGEST_INSERT_SETTINGS).length;
        expect(insert.params[`param_setting_${token}`]).toBe(
          'insightagent:ingest:flush-retried:inference_requests',
        );
      }
    } finally {
      await server.close();
      await fake.close();
    }
  });
});
