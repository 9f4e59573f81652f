import type { Logger } from '../telemetry/logger';
import { renderForCluster } from './cluster-ddl';
import type { Store } from './store';

/** How long rows are kept: raw telemetry and the rollups / job history. */
export interface Retention {
  rawDays: number;
  rollupDays: number;
}

// One fixed statement per table: the TTL expression differs per table and cannot be a parameter.
const TABLES = [
  {
    table: 'inference_requests',
    tier: 'rawDays',
    sql: 'ALTER TABLE {db:Identifier}.inference_requests MODIFY TTL toDateTime(ts) + toIntervalDay({days:UInt32})',
  },
  {
    table: 'evaluations',
    tier: 'rawDays',
    sql: 'ALTER TABLE {db:Identifier}.evaluations MODIFY TTL toDateTime(ts) + toIntervalDay({days:UInt32})',
  },
  {
    table: 'pending_evaluations',
    tier: 'rawDays',
    sql: 'ALTER TABLE {db:Identifier}.pending_evaluations MODIFY TTL toDateTime(inserted_at) + toIntervalDay({days:UInt32})',
  },
  {
    table: 'metric_points',
    tier: 'rawDays',
    sql: 'ALTER TABLE {db:Identifier}.metric_points MODIFY TTL toDateTime(ts) + toIntervalDay({days:UInt32})',
  },
  {
    table: 'requests_1m',
    tier: 'rollupDays',
    sql: 'ALTER TABLE {db:Identifier}.requests_1m MODIFY TTL minute + toIntervalDay({days:UInt32})',
  },
  {
    table: 'evaluations_1m',
    tier: 'rollupDays',
    sql: 'ALTER TABLE {db:Identifier}.evaluations_1m MODIFY TTL minute + toIntervalDay({days:UInt32})',
  },
  {
    table: 'job_runs',
    tier: 'rollupDays',
    sql: 'ALTER TABLE {db:Identifier}.job_runs MODIFY TTL toDateTime(window_start) + toIntervalDay({days:UInt32})',
  },
] as const;

/** Returns the TTL in days found in a CREATE TABLE statement, or undefined when it has none. */
export function ttlDays(createTableQuery: string): number | undefined {
  const match = /\bTTL\b.*?(?:toIntervalDay\((?:_CAST\()?(\d+)|INTERVAL\s+(\d+)\s+DAY)/is.exec(
    createTableQuery,
  );
  if (match === null) return undefined;
  return Number(match[1] ?? match[2]);
}

/** Sets each table's TTL to the configured retention where it differs; returns what changed. */
export async function applyRetention(
  store: Store,
  retention: Retention,
  log?: Logger,
): Promise<Array<{ table: string; fromDays: number | undefined; toDays: number }>> {
  const suffix = store.cluster === undefined ? '' : '_local';
  const rows = await store.query<{ name: string; create_table_query: string }>({
    tag: 'retention.read',
    sql: `SELECT name, create_table_query FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
    params: { names: TABLES.map((t) => `${t.table}${suffix}`) },
  });
  const current = new Map(rows.map((r) => [r.name, ttlDays(r.create_table_query)]));
  const changes = [];
  for (const t of TABLES) {
    const name = `${t.table}${suffix}`;
    if (!current.has(name)) continue;
    const want = retention[t.tier];
    const have = current.get(name);
    if (have === want) continue;
    const statements =
      store.cluster === undefined
        ? [t.sql]
        : renderForCluster(t.sql, { cluster: store.cluster, database: store.database });
    for (const sql of statements)
      await store.command({ tag: 'retention.modify', sql, params: { days: want } });
    changes.push({ table: t.table, fromDays: have, toDays: want });
    log?.info({ table: t.table, fromDays: have, toDays: want }, 'retention changed');
  }
  return changes;
}
