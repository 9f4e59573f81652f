// Proves that cluster-rendered DDL is valid ClickHouse syntax, on the real engine (embedded chDB).
// chDB has no clusters, so every ON CLUSTER statement fails — but only after it parsed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { renderForCluster } from '../../../src/store/cluster-ddl';
import { splitStatements } from '../../../src/store/sql-split';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

const DATABASE = 'cluster_ddl_parse';
const TARGET = { cluster: 'c1', database: DATABASE };
const PARAMS = { db: DATABASE, cluster: TARGET.cluster };
const MIGRATIONS = path.join(__dirname, '..', '..', '..', 'migrations');

// Errors ClickHouse raises only once a statement has parsed: the cluster is unknown, replicated
// DDL is off (checked before the cluster for ALTER/DROP), the {shard}/{replica} macros are
// undefined, or the table an MV selects from / a Distributed table copies does not exist here.
const AFTER_PARSE = [
  'CLUSTER_DOESNT_EXIST',
  'QUERY_IS_PROHIBITED',
  'NO_ELEMENTS_IN_CONFIG',
  'UNKNOWN_TABLE',
];

// Always checked, so the suite asserts something even before migrations/ has files.
const SAMPLES = [
  `CREATE TABLE IF NOT EXISTS {db:Identifier}.spans (
    trace_id String CODEC(ZSTD(1)),
    start_time DateTime64(9) CODEC(Delta, ZSTD(1)),
    model LowCardinality(String),
    duration_ms Float64,
    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4
  ) ENGINE = MergeTree PARTITION BY toDate(start_time) ORDER BY (model, start_time)
  TTL toDateTime(start_time) + INTERVAL 30 DAY SETTINGS index_granularity = 8192`,
  'CREATE TABLE {db:Identifier}.models (name String, updated_at DateTime) ENGINE = ReplacingMergeTree(updated_at) ORDER BY name',
  `CREATE TABLE {db:Identifier}.latency_1m (minute DateTime, model String,
    latency AggregateFunction(quantiles(0.5, 0.99), Float64)) ENGINE = AggregatingMergeTree() ORDER BY (model, minute)`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.latency_1m_mv TO {db:Identifier}.latency_1m
    AS SELECT toStartOfMinute(start_time) AS minute, model, quantilesState(0.5, 0.99)(duration_ms) AS latency
    FROM (SELECT start_time, model, duration_ms FROM {db:Identifier}.spans) GROUP BY minute, model`,
  'CREATE VIEW {db:Identifier}.slow AS SELECT model FROM {db:Identifier}.spans WHERE duration_ms > 1000',
  'ALTER TABLE {db:Identifier}.spans ADD COLUMN IF NOT EXISTS cost Float64 DEFAULT 0',
  'ALTER TABLE {db:Identifier}.spans MODIFY TTL toDateTime(start_time) + INTERVAL 90 DAY',
  'DROP TABLE {db:Identifier}.spans SYNC',
  'CREATE TABLE {db:Identifier}.ingest (payload String) ENGINE = Null',
];

function sourceStatements(): Array<[string, string]> {
  const files = readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const fromFiles = files.flatMap((file) =>
    splitStatements(readFileSync(path.join(MIGRATIONS, file), 'utf8')).map(
      (sql, i): [string, string] => [`${file} #${i + 1}`, sql],
    ),
  );
  return [...fromFiles, ...SAMPLES.map((sql, i): [string, string] => [`sample #${i + 1}`, sql])];
}

async function commandError(
  client: ClickHouseClient,
  query: string,
): Promise<{ type?: string; code?: string }> {
  try {
    await client.command({ query, query_params: PARAMS });
  } catch (err) {
    return err as { type?: string; code?: string };
  }
  throw new Error(`expected chDB to reject the ON CLUSTER statement: ${query}`);
}

describe('cluster-rendered DDL on the real engine', () => {
  let client: ClickHouseClient;

  beforeAll(async () => {
    // chdb types its connection against @clickhouse/client-common while @clickhouse/client 1.23.1
    // bundles its own copy of those types; the two SettingsMap classes (private field) make them
    // mutually unassignable although they are the same at run time, hence the cast.
    const connection = createChdbConnection({ path: ':memory:' }) as unknown as ClientConnection;
    client = createClient({ connection });
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${DATABASE}` });
  });

  afterAll(async () => {
    await client.close();
  });

  it.each(sourceStatements())('%s parses once rendered for a cluster', async (_label, sql) => {
    const rendered = renderForCluster(sql, TARGET);
    expect(rendered.length).toBeGreaterThan(0);
    for (const query of rendered) {
      const ast = await client.query({
        query: `EXPLAIN AST ${query}`,
        query_params: PARAMS,
        format: 'TabSeparatedRaw',
      });
      expect(await ast.text()).toMatch(/Query/);
      const err = await commandError(client, query);
      // Shown with the query and the actual error type when it fails.
      const verdict =
        err.code !== '62' && AFTER_PARSE.includes(err.type ?? '') ? 'parsed' : err.type;
      expect({ query, verdict }).toEqual({ query, verdict: 'parsed' });
    }
  });
});
