// Retention on the real engine (embedded chDB): applyRetention rewrites the TTLs that ClickHouse
// shows in system.tables, only where they differ from the configured days.
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { applyRetention } from '../../../src/store/retention';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';

const RAW = ['evaluations', 'inference_requests', 'metric_points', 'pending_evaluations'];
const ROLLUP = ['evaluations_1m', 'job_runs', 'requests_1m'];

async function createQueries(store: Store): Promise<Record<string, string>> {
  const rows = await store.query<{ name: string; create_table_query: string }>({
    tag: 'test.create_table_query',
    sql: `SELECT name, create_table_query FROM system.tables
          WHERE database = {db:String} AND name IN {names:Array(String)} ORDER BY name`,
    params: { names: [...RAW, ...ROLLUP] },
  });
  return Object.fromEntries(rows.map((r) => [r.name, r.create_table_query]));
}

// The TTL days as ClickHouse prints them: `toIntervalDay(30)` for the shipped `INTERVAL 30 DAY`,
// `toIntervalDay(_CAST(7, 'UInt32'))` once set from a bound parameter. Parsed here, not with
// src/store/retention's ttlDays, so that a parser bug cannot hide an ALTER that did nothing.
async function ttlDaysByTable(store: Store): Promise<Record<string, number | string>> {
  const queries = await createQueries(store);
  return Object.fromEntries(
    Object.entries(queries).map(([name, sql]) => {
      const days = /\bTTL\s.*?\btoIntervalDay\((?:_CAST\()?(\d+)/s.exec(sql)?.[1];
      return [name, days === undefined ? `no TTL in: ${sql}` : Number(days)];
    }),
  );
}

function expectedDays(raw: number, rollup: number): Record<string, number> {
  return Object.fromEntries([
    ...RAW.map((t) => [t, raw] as const),
    ...ROLLUP.map((t) => [t, rollup] as const),
  ]);
}

describe('retention on the real engine', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore('retention');
    await migrate(store, loadMigrationFiles());
  });

  afterAll(async () => {
    await closeTestStore(store);
  });

  it('the shipped TTLs are the defaults (30 and 395 days), so applying those changes nothing', async () => {
    expect(await ttlDaysByTable(store)).toEqual(expectedDays(30, 395));
    const before = await createQueries(store);
    expect(await applyRetention(store, { rawDays: 30, rollupDays: 395 })).toEqual([]);
    expect(await createQueries(store)).toEqual(before);
  });

  it('sets the TTL days shown in system.tables for both tiers', async () => {
    const changes = await applyRetention(store, { rawDays: 7, rollupDays: 90 });
    expect(changes).toHaveLength(RAW.length + ROLLUP.length);
    expect(await ttlDaysByTable(store)).toEqual(expectedDays(7, 90));
  });

  it('re-applying the same values is a no-op', async () => {
    await applyRetention(store, { rawDays: 8, rollupDays: 91 });
    const before = await createQueries(store);

    expect(await applyRetention(store, { rawDays: 8, rollupDays: 91 })).toEqual([]);

    expect(await createQueries(store)).toEqual(before);
  });

  it('changing one tier alters only the tables of that tier', async () => {
    await applyRetention(store, { rawDays: 9, rollupDays: 92 });

    const changes = await applyRetention(store, { rawDays: 14, rollupDays: 92 });

    expect(changes.map((c) => c.table).sort()).toEqual(RAW);
    for (const change of changes) expect(change).toMatchObject({ fromDays: 9, toDays: 14 });
    expect(await ttlDaysByTable(store)).toEqual(expectedDays(14, 92));
  });
});
