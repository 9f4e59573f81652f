import { quoteIdentifier, renderForCluster } from '../../../src/store/cluster-ddl';

const target = { cluster: 'c1', database: 'insight' };
const render = (sql: string): string[] => renderForCluster(sql, target);

describe('renderForCluster', () => {
  it('renders a MergeTree table as a replicated local table and a Distributed table', () => {
    const sql = [
      '-- spans: one row per span',
      'CREATE TABLE IF NOT EXISTS {db:Identifier}.spans',
      '(',
      '    trace_id String CODEC(ZSTD(1)),',
      '    start_time DateTime64(9) CODEC(Delta, ZSTD(1)),',
      "    model LowCardinality(String) COMMENT 'ENGINE = MergeTree; not this one',",
      '    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4',
      ')',
      'ENGINE = MergeTree',
      'PARTITION BY toDate(start_time)',
      'ORDER BY (model, start_time)',
      'TTL toDateTime(start_time) + INTERVAL 30 DAY',
      'SETTINGS index_granularity = 8192',
    ].join('\n');
    expect(render(sql)).toEqual([
      [
        '-- spans: one row per span',
        'CREATE TABLE IF NOT EXISTS {db:Identifier}.spans_local ON CLUSTER `c1`',
        '(',
        '    trace_id String CODEC(ZSTD(1)),',
        '    start_time DateTime64(9) CODEC(Delta, ZSTD(1)),',
        "    model LowCardinality(String) COMMENT 'ENGINE = MergeTree; not this one',",
        '    INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4',
        ')',
        "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')",
        'PARTITION BY toDate(start_time)',
        'ORDER BY (model, start_time)',
        'TTL toDateTime(start_time) + INTERVAL 30 DAY',
        'SETTINGS index_granularity = 8192',
      ].join('\n'),
      'CREATE TABLE IF NOT EXISTS {db:Identifier}.spans ON CLUSTER `c1` AS `insight`.spans_local ' +
        "ENGINE = Distributed({cluster:String}, {db:String}, 'spans_local', rand())",
    ]);
  });

  it('keeps ReplacingMergeTree arguments and shards by the sorting key so versions meet', () => {
    const sql =
      'CREATE TABLE {db:Identifier}.models (name String, version UInt32, updated_at DateTime) ' +
      'ENGINE = ReplacingMergeTree(updated_at) ORDER BY name';
    expect(render(sql)).toEqual([
      'CREATE TABLE {db:Identifier}.models_local ON CLUSTER `c1` (name String, version UInt32, updated_at DateTime) ' +
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at) " +
        'ORDER BY name',
      'CREATE TABLE {db:Identifier}.models ON CLUSTER `c1` AS `insight`.models_local ' +
        "ENGINE = Distributed({cluster:String}, {db:String}, 'models_local', cityHash64(name))",
    ]);
  });

  it('shards a ReplacingMergeTree by every column of a tuple sorting key', () => {
    const sql =
      'CREATE TABLE {db:Identifier}.job_runs (job String, window_start DateTime, updated_at DateTime) ' +
      'ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(window_start) ' +
      'ORDER BY (job, window_start) TTL window_start + INTERVAL 1 DAY';
    expect(render(sql)[1]).toBe(
      'CREATE TABLE {db:Identifier}.job_runs ON CLUSTER `c1` AS `insight`.job_runs_local ' +
        "ENGINE = Distributed({cluster:String}, {db:String}, 'job_runs_local', cityHash64(job, window_start))",
    );
  });

  it('renders a lower-case AggregatingMergeTree() table', () => {
    const sql = [
      'create table if not exists {db:Identifier}.latency_1m (',
      '  minute DateTime,',
      '  model LowCardinality(String),',
      '  latency AggregateFunction(quantiles(0.5, 0.99), Float64)',
      ') engine=AggregatingMergeTree() order by (model, minute)',
    ].join('\n');
    expect(render(sql)).toEqual([
      [
        'create table if not exists {db:Identifier}.latency_1m_local ON CLUSTER `c1` (',
        '  minute DateTime,',
        '  model LowCardinality(String),',
        '  latency AggregateFunction(quantiles(0.5, 0.99), Float64)',
        ") engine=ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}') order by (model, minute)",
      ].join('\n'),
      'CREATE TABLE IF NOT EXISTS {db:Identifier}.latency_1m ON CLUSTER `c1` AS `insight`.latency_1m_local ' +
        "ENGINE = Distributed({cluster:String}, {db:String}, 'latency_1m_local', rand())",
    ]);
  });

  it('points a materialized view and all its sources at the local tables', () => {
    const sql = [
      'CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.latency_1m_mv',
      'TO {db:Identifier}.latency_1m',
      'AS SELECT',
      '  toStartOfMinute(start_time) AS minute,',
      '  model,',
      '  quantilesState(0.5, 0.99)(duration_ms) AS latency',
      'FROM (',
      '  -- reads {db:Identifier}.spans on each shard',
      "  SELECT start_time, model, duration_ms FROM {db:Identifier}.spans WHERE kind = '{db:Identifier}.x'",
      ') AS s',
      'WHERE model IN (SELECT name FROM {db:Identifier}.models)',
      'GROUP BY minute, model',
    ].join('\n');
    expect(render(sql)).toEqual([
      [
        'CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.latency_1m_mv ON CLUSTER `c1`',
        'TO {db:Identifier}.latency_1m_local',
        'AS SELECT',
        '  toStartOfMinute(start_time) AS minute,',
        '  model,',
        '  quantilesState(0.5, 0.99)(duration_ms) AS latency',
        'FROM (',
        '  -- reads {db:Identifier}.spans on each shard',
        "  SELECT start_time, model, duration_ms FROM {db:Identifier}.spans_local WHERE kind = '{db:Identifier}.x'",
        ') AS s',
        'WHERE model IN (SELECT name FROM {db:Identifier}.models_local)',
        'GROUP BY minute, model',
      ].join('\n'),
    ]);
  });

  it('adds ON CLUSTER to a plain view and leaves its sources on the Distributed tables', () => {
    const sql =
      'CREATE VIEW IF NOT EXISTS {db:Identifier}.model_errors AS ' +
      "SELECT model, count() AS errors FROM {db:Identifier}.spans WHERE status = 'error' GROUP BY model";
    expect(render(sql)).toEqual([
      'CREATE VIEW IF NOT EXISTS {db:Identifier}.model_errors ON CLUSTER `c1` AS ' +
        "SELECT model, count() AS errors FROM {db:Identifier}.spans WHERE status = 'error' GROUP BY model",
    ]);
  });

  it.each<[string, string, string[]]>([
    [
      'ADD COLUMN on the local then the Distributed table',
      'ALTER TABLE {db:Identifier}.spans ADD COLUMN IF NOT EXISTS cost Float64 DEFAULT 0 AFTER model',
      [
        'ALTER TABLE {db:Identifier}.spans_local ON CLUSTER `c1` ADD COLUMN IF NOT EXISTS cost Float64 DEFAULT 0 AFTER model',
        'ALTER TABLE {db:Identifier}.spans ON CLUSTER `c1` ADD COLUMN IF NOT EXISTS cost Float64 DEFAULT 0 AFTER model',
      ],
    ],
    [
      'several column changes on both tables',
      "alter table {db:Identifier}.spans\n  add column tier Enum8('a' = 1, 'b' = 2),\n  rename column cost to cost_usd",
      [
        "alter table {db:Identifier}.spans_local ON CLUSTER `c1`\n  add column tier Enum8('a' = 1, 'b' = 2),\n  rename column cost to cost_usd",
        "alter table {db:Identifier}.spans ON CLUSTER `c1`\n  add column tier Enum8('a' = 1, 'b' = 2),\n  rename column cost to cost_usd",
      ],
    ],
    [
      'CLEAR COLUMN on the local table only (it clears data, not the schema)',
      'ALTER TABLE {db:Identifier}.spans CLEAR COLUMN cost IN PARTITION 202601',
      [
        'ALTER TABLE {db:Identifier}.spans_local ON CLUSTER `c1` CLEAR COLUMN cost IN PARTITION 202601',
      ],
    ],
    [
      'MODIFY TTL on the local table only',
      'ALTER TABLE {db:Identifier}.spans MODIFY TTL toDateTime(start_time) + INTERVAL 90 DAY',
      [
        'ALTER TABLE {db:Identifier}.spans_local ON CLUSTER `c1` MODIFY TTL toDateTime(start_time) + INTERVAL 90 DAY',
      ],
    ],
    [
      'ADD INDEX and MATERIALIZE INDEX on the local table only',
      'ALTER TABLE {db:Identifier}.spans ADD INDEX idx_model model TYPE set(100) GRANULARITY 2, MATERIALIZE INDEX idx_model',
      [
        'ALTER TABLE {db:Identifier}.spans_local ON CLUSTER `c1` ADD INDEX idx_model model TYPE set(100) GRANULARITY 2, MATERIALIZE INDEX idx_model',
      ],
    ],
  ])('renders ALTER: %s', (_name, sql, expected) => {
    expect(render(sql)).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    [
      'DROP TABLE, then its local table with IF EXISTS forced',
      'DROP TABLE {db:Identifier}.spans SYNC',
      [
        'DROP TABLE {db:Identifier}.spans ON CLUSTER `c1` SYNC',
        'DROP TABLE IF EXISTS {db:Identifier}.spans_local ON CLUSTER `c1` SYNC',
      ],
    ],
    [
      'DROP TABLE IF EXISTS',
      'drop table if exists {db:Identifier}.spans',
      [
        'drop table if exists {db:Identifier}.spans ON CLUSTER `c1`',
        'drop table if exists {db:Identifier}.spans_local ON CLUSTER `c1`',
      ],
    ],
    [
      'DROP VIEW alone',
      'DROP VIEW IF EXISTS {db:Identifier}.latency_1m_mv',
      ['DROP VIEW IF EXISTS {db:Identifier}.latency_1m_mv ON CLUSTER `c1`'],
    ],
    [
      'DROP DICTIONARY alone',
      'DROP DICTIONARY {db:Identifier}.model_dict',
      ['DROP DICTIONARY {db:Identifier}.model_dict ON CLUSTER `c1`'],
    ],
  ])('renders %s', (_name, sql, expected) => {
    expect(render(sql)).toEqual(expected);
  });

  it('only adds ON CLUSTER to a table with another engine', () => {
    expect(
      render('CREATE TABLE {db:Identifier}.otlp_ingest (payload String) ENGINE = Null'),
    ).toEqual([
      'CREATE TABLE {db:Identifier}.otlp_ingest ON CLUSTER `c1` (payload String) ENGINE = Null',
    ]);
  });

  it.each<[string, string, RegExp]>([
    [
      'a materialized view without TO',
      'CREATE MATERIALIZED VIEW {db:Identifier}.mv ENGINE = MergeTree ORDER BY x AS SELECT x FROM {db:Identifier}.spans',
      /explicit TO/,
    ],
    [
      'an unknown statement, quoting it',
      'INSERT INTO {db:Identifier}.spans VALUES (1)',
      /cannot render statement for a cluster .*"INSERT INTO \{db:Identifier\}\.spans VALUES \(1\)"/i,
    ],
    [
      'a long unknown statement, quoting its first 60 characters',
      `OPTIMIZE TABLE {db:Identifier}.spans FINAL DEDUPLICATE BY ${'column_name, '.repeat(10)}x`,
      /cannot render statement for a cluster .*"OPTIMIZE TABLE \{db:Identifier\}\.spans FINAL DEDUPLICATE BY co…"$/i,
    ],
    ['CREATE DATABASE', 'CREATE DATABASE IF NOT EXISTS {db:Identifier}', /unsupported statement/],
    [
      'a table not named through {db:Identifier}',
      'CREATE TABLE spans (x UInt8) ENGINE = MergeTree ORDER BY x',
      /\{db:Identifier\}\.name/,
    ],
    [
      'a statement that already has ON CLUSTER',
      'DROP TABLE {db:Identifier}.spans ON CLUSTER other',
      /already has ON CLUSTER/,
    ],
    [
      'a table without ENGINE',
      'CREATE TABLE {db:Identifier}.t (x UInt8) ORDER BY x',
      /explicit ENGINE/,
    ],
    [
      'an ALTER mixing column and other operations',
      'ALTER TABLE {db:Identifier}.spans ADD COLUMN x UInt8, MODIFY TTL toDate(start_time) + 1',
      /separate statements/,
    ],
  ])('throws for %s', (_name, sql, message) => {
    expect(() => render(sql)).toThrow(message);
  });

  it.each([
    ['a-b', { cluster: 'a-b', database: 'insight' }],
    ['x; DROP', { cluster: 'c1', database: 'x; DROP' }],
  ])('rejects the bad identifier %s before rendering', (bad, badTarget) => {
    expect(() => renderForCluster('DROP VIEW {db:Identifier}.v', badTarget)).toThrow(
      `Invalid identifier ${JSON.stringify(bad)}`,
    );
  });
});

describe('quoteIdentifier', () => {
  it.each(['insight', '_x', 'Cluster_01'])('backtick-quotes %s', (name) => {
    expect(quoteIdentifier(name)).toBe(`\`${name}\``);
  });

  it.each(['a-b', 'x; DROP', '1abc', '', 'a`b', 'a b', 'ünï'])('rejects %j', (name) => {
    expect(() => quoteIdentifier(name)).toThrow(`Invalid identifier ${JSON.stringify(name)}`);
  });
});
