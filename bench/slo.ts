// SLO evaluation on the embedded store (issue 4's bench/slo):
//  1. 30 days of minute rollups for 10 models, 100 M requests, generated straight into
//     requests_1m / evaluations_1m (bench/slo-rollups.ts), with a few incidents;
//  2. one evaluation cycle = the SLO job's run() for a new minute window (createSloJob with no
//     channels and the real outbox): the 5 default SLOs x 10 models = 50 evaluations, loaded
//     from the rollups (one query per SLO for all models), plus slo_status and alert states
//     saved. 1 warm-up, then 5 timed cycles, each on the next minute. Baseline in the same run:
//     one pass reading everything a cycle reads (every model's 30 days of both rollups, grouped
//     per model), and 50 empty store round trips. Then the inner loop alone (3 passes), timed per
//     SLO — store calls (engine + JSON + zod) vs JavaScript — as the job loads now and with the
//     loader of before (per model, per minute, p95 by t-digest: bench/slo-per-minute.ts).
//  3. 10 M raw requests of one model over 7 days (bench/slo-raw.ts; the views fill the rollups):
//     TTFT <= 800 ms and availability answered from the rollups (sloMinuteCounts) and by a raw
//     scan (the baseline): time of each and the difference.
// Run: npm run bench:slo   (node -r ./bench/ts-register.js bench/slo.ts [raw rows, default 10000000])
// Prints one JSON line per figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from '../src/clock';
import { createOutbox } from '../src/outbox/outbox';
import { createSloJob } from '../src/slo/job';
import { loadAndEvaluateModels } from '../src/slo/load-evaluate';
import type { SloSpec } from '../src/slo/spec';
import { sloGroups, sloTargets } from '../src/slo/targets';
import { migrate } from '../src/store/migrate';
import { loadMigrationFiles } from '../src/store/migration-plan';
import { openStore } from '../src/store/open';
import { listModels } from '../src/store/repositories/model-stats';
import {
  type CountedSli,
  type CountGrid,
  sloGridCounts,
  sloMinuteCounts,
} from '../src/store/repositories/slo-data';
import { durationBucketKey } from '../src/store/rollup-buckets';
import type { Store, StoreCallEvent } from '../src/store/store';
import { createLogger } from '../src/telemetry/logger';
import { loadAndEvaluatePerMinute } from './slo-per-minute';
import { insertRawRequests, type RawShape, rawAvailabilityCounts, rawTtftCounts } from './slo-raw';
import {
  INCIDENTS,
  insertEvaluationRollups,
  insertRequestRollups,
  type RollupShape,
} from './slo-rollups';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const CYCLES = 20;

// Store call time per tag while `calls` is set (durations include JSON parsing and zod).
let calls: Map<string, { n: number; ms: number }> | null = null;
function onCall(e: StoreCallEvent): void {
  if (calls === null) return;
  const c = calls.get(e.tag) ?? { n: 0, ms: 0 };
  c.n += 1;
  c.ms += e.durationMs;
  calls.set(e.tag, c);
}

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

const ms = (x: number): number => Math.round(x * 10) / 10;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t };
}

async function generate(store: Store, shape: RollupShape): Promise<void> {
  const req = await timed(() => insertRequestRollups(store, shape));
  const ev = await timed(() => insertEvaluationRollups(store, shape));
  const [check] = await store.query<Record<string, number>>({
    tag: 'bench.check',
    sql: `SELECT count() AS rows, sum(requests) AS requests, sum(errors) AS errors,
            sum(ttft_count) AS ttft_count,
            sum(arraySum(mapValues(ttft_buckets))) AS ttft_bucketed,
            sum(arraySum(mapValues(latency_buckets))) AS latency_bucketed
          FROM {db:Identifier}.requests_1m`,
  });
  const keys = await store.query<{ k: number }>({
    tag: 'bench.keys',
    sql: `SELECT DISTINCT arrayJoin(mapKeys(ttft_buckets)) AS k FROM {db:Identifier}.requests_1m`,
  });
  const offGrid = keys.filter(({ k }) => durationBucketKey(Number(k) / 1000) !== Number(k));
  if (check?.requests !== check?.ttft_bucketed || offGrid.length > 0)
    throw new Error(`inconsistent rollups: ${JSON.stringify({ check, offGrid: offGrid.length })}`);
  const [evCheck] = await store.query<Record<string, number>>({
    tag: 'bench.check_eval',
    sql: `SELECT count() AS rows, sum(scored) AS scored,
            sum(arraySum(mapValues(value_buckets))) AS bucketed FROM {db:Identifier}.evaluations_1m`,
  });
  const settle = await timed(() => settleMerges(store));
  emit({
    figure: 'generate_rollups',
    merges_settled_ms: Math.round(settle.ms),
    parts: settle.value,
    requests_1m_ms: Math.round(req.ms),
    evaluations_1m_ms: Math.round(ev.ms),
    models: shape.models,
    days: shape.minutes / 1440,
    requests_1m_rows: Number(check?.rows),
    evaluations_1m_rows: Number(evCheck?.rows),
    requests: Number(check?.requests),
    errors: Number(check?.errors),
    scores: Number(evCheck?.scored),
    ttft_bucket_keys: keys.length,
    incidents: INCIDENTS.length,
  });
}

// Waits (up to 60 s) until no background merge runs, so that the cycles are timed on settled
// parts, as a store holding 30 days would be; returns the active parts per rollup table.
async function settleMerges(store: Store): Promise<Record<string, number>> {
  for (let i = 0; i < 120; i++) {
    const [row] = await store.query<{ n: number }>({
      tag: 'bench.merges',
      sql: 'SELECT count() AS n FROM system.merges WHERE database = {db:String}',
      params: { db: store.database },
    });
    if (Number(row?.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const parts = await store.query<{ table: string; parts: number }>({
    tag: 'bench.parts',
    sql: `SELECT table, count() AS parts FROM system.parts
          WHERE database = {db:String} AND active AND table IN ('requests_1m', 'evaluations_1m')
          GROUP BY table`,
    params: { db: store.database },
  });
  return Object.fromEntries(parts.map((p) => [p.table, Number(p.parts)]));
}

async function cycles(store: Store, endMs: number): Promise<void> {
  // Each run is a new minute window (1 warm-up, then CYCLES), ending at the data's end: a real
  // evaluation each time, never the replay of a window recorded before.
  let nowMs = endMs - CYCLES * MINUTE;
  const clock: Clock = { now: () => new Date(nowMs) };
  const log = createLogger('silent');
  const outbox = createOutbox({ store, clock, channels: () => undefined, log });
  const job = createSloJob({ store, slos: [], channels: [], outbox });
  const windowAt = (end: number) => ({ startMs: end - MINUTE, endMs: end });
  const warm = await timed(() => job.run(windowAt(nowMs)));
  const times: number[] = [];
  let details = '';
  for (let c = 0; c < CYCLES; c++) {
    nowMs += MINUTE;
    if (c === CYCLES - 1) calls = new Map();
    const run = await timed(() => job.run(windowAt(nowMs)));
    times.push(run.ms);
    details = run.value ?? '';
  }
  if (details.includes('recorded before'))
    throw new Error(`a timed cycle was a replay: ${details}`);

  const lastCycleCalls = calls ?? new Map<string, { n: number; ms: number }>();
  calls = null;
  // Baselines: every rollup row a cycle reads, read once; 50 empty round trips.
  const scan = await timed(() =>
    store.query({
      tag: 'bench.baseline_scan',
      sql: `SELECT model, sum(requests), sum(errors), quantileTDigestMerge(0.95)(ttft_quantiles)
            FROM {db:Identifier}.requests_1m
            WHERE minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC') GROUP BY model
            UNION ALL
            SELECT model, sum(scored), 0, sum(value_sum) / sum(scored)
            FROM {db:Identifier}.evaluations_1m
            WHERE minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC') GROUP BY model`,
      params: { from: endMs - 33 * DAY },
    }),
  );
  const trips = await timed(async () => {
    for (let i = 0; i < 50; i++) await store.query({ tag: 'bench.trip', sql: 'SELECT 1' });
  });
  emit({
    figure: 'slo_cycle',
    what: 'createSloJob(...).run(window): 5 default SLOs x 10 models, 30 d of rollups, 100 M requests',
    cycles: CYCLES,
    cycle_ms: times.map(Math.round),
    p50_ms: Math.round(median(times)),
    max_ms: Math.round(Math.max(...times)),
    warmup_ms: Math.round(warm.ms),
    target_ms: 1000,
    job_details: details,
    baseline_one_scan_ms: Math.round(scan.ms),
    baseline_50_round_trips_ms: Math.round(trips.ms),
  });
  emit({
    figure: 'slo_cycle_store_calls',
    what: 'store calls of the last timed cycle, ms by tag (engine + JSON + zod)',
    by_tag: Object.fromEntries(
      [...lastCycleCalls].map(([tag, c]) => [tag, { calls: c.n, ms: ms(c.ms) }]),
    ),
  });

  // Where the time goes: the job's inner loop alone, timed per SLO (store calls: engine + JSON +
  // zod; the rest JavaScript), as the job loads — one query per SLO for all models, on the hourly
  // grid — and as it loaded before, one model at a time per minute (bench/slo-per-minute.ts).
  const models = (await listModels(store)).map((m) => m.model);
  const groups = sloGroups(sloTargets([], models));
  const loaders: Record<string, (spec: SloSpec, models: string[]) => Promise<unknown>> = {
    all_models_hourly_grid: (spec, ms) => loadAndEvaluateModels(store, spec, ms, endMs),
    per_model_per_minute: async (spec, ms) => {
      for (const model of ms) await loadAndEvaluatePerMinute(store, spec, model, endMs);
    },
  };
  for (const [loader, evaluate] of Object.entries(loaders)) {
    const passes: number[] = [];
    let perSlo = new Map<string, { total: number; store: number; calls: number }>();
    for (let pass = 0; pass < 3; pass++) {
      perSlo = new Map();
      const started = performance.now();
      for (const { spec, models: targets } of groups) {
        calls = new Map();
        const t = performance.now();
        await evaluate(spec, targets);
        const total = performance.now() - t;
        const storeMs = [...calls.values()].reduce((a, c) => a + c.ms, 0);
        const n = [...calls.values()].reduce((a, c) => a + c.n, 0);
        calls = null;
        perSlo.set(spec.name, { total, store: storeMs, calls: n });
      }
      passes.push(performance.now() - started);
    }
    emit({
      figure: 'slo_loop',
      loader,
      evaluations: groups.reduce((a, g) => a + g.models.length, 0),
      pass_ms: passes.map(Math.round),
      p50_ms: Math.round(median(passes)),
    });
    for (const [slo, p] of perSlo)
      emit({
        figure: 'slo_breakdown',
        loader,
        slo,
        models: models.length,
        store_calls: p.calls,
        total_ms: ms(p.total),
        store_ms: ms(p.store),
        js_ms: ms(p.total - p.store),
      });
  }
}

async function rollupVsRaw(store: Store, endMs: number, rows: number): Promise<void> {
  const shape: RawShape = { model: 'raw-model', rows, fromMs: endMs - 7 * DAY, toMs: endMs };
  const ins = await timed(() => insertRawRequests(store, shape));
  emit({
    figure: 'raw_insert',
    rows,
    ms: Math.round(ins.ms),
    rows_per_s: Math.round(rows / (ins.ms / 1000)),
  });
  const range = { fromMs: shape.fromMs, toMs: shape.toMs };
  const questions: {
    name: string;
    sli: CountedSli;
    raw: () => Promise<{ good: number; total: number }>;
  }[] = [
    {
      name: 'ttft_le_800ms',
      sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
      raw: () => rawTtftCounts(store, shape, 800),
    },
    {
      name: 'availability',
      sli: { kind: 'availability' },
      raw: () => rawAvailabilityCounts(store, shape),
    },
  ];
  for (const q of questions) {
    // Per minute (10,080 rows), and on the hourly grid as the SLO job reads it (168 rows).
    const rollup = (grid?: CountGrid) => async () => {
      const counts = grid
        ? ((await sloGridCounts(store, [shape.model], q.sli, range, grid)).get(shape.model) ?? [])
        : await sloMinuteCounts(store, shape.model, q.sli, range);
      return counts.reduce((a, c) => ({ good: a.good + c.good, total: a.total + c.total }), {
        good: 0,
        total: 0,
      });
    };
    const r = await repeat(rollup());
    const g = await repeat(rollup({ fineFromMs: range.toMs, grainMs: 60 * MINUTE }));
    const s = await repeat(q.raw);
    if (g.value.good !== r.value.good || g.value.total !== r.value.total)
      throw new Error(`grid and per-minute sums differ: ${JSON.stringify([g.value, r.value])}`);
    const share = (x: { good: number; total: number }) => x.good / x.total;
    emit({
      figure: 'rollup_vs_raw',
      question: q.name,
      rows,
      rollup_per_minute_ms_p50: ms(r.p50),
      rollup_hourly_grid_ms_p50: ms(g.p50),
      raw_scan_ms_p50: ms(s.p50),
      raw_over_rollup_per_minute: Math.round((s.p50 / r.p50) * 10) / 10,
      raw_over_rollup_grid: Math.round((s.p50 / g.p50) * 10) / 10,
      rollup: r.value,
      raw: s.value,
      rollup_share: share(r.value),
      raw_share: share(s.value),
      difference_good: r.value.good - s.value.good,
      difference_total: r.value.total - s.value.total,
      difference_share: share(r.value) - share(s.value),
    });
  }
}

// 1 warm-up, then 5 timed runs; returns the last value and the median time.
async function repeat<T>(run: () => Promise<T>): Promise<{ value: T; p50: number }> {
  let value: T = await run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = await timed(run);
    times.push(t.ms);
    value = t.value;
  }
  return { value, p50: median(times) };
}

async function main(): Promise<void> {
  const rawRows = Number(process.argv[2] ?? 10_000_000);
  if (!(Number.isInteger(rawRows) && rawRows > 0))
    throw new Error(`raw rows: expected a whole number > 0, got ${process.argv[2]}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'insightagent-bench-slo-'));
  const store = openStore(
    { kind: 'embedded', path: path.join(dir, 'clickhouse'), database: 'bench' },
    onCall,
  );
  try {
    await migrate(store, loadMigrationFiles());
    // The data ends at the last whole hour: inside the raw tables' 30-day TTL, on the minute grid.
    const endMs = Math.floor(Date.now() / (60 * MINUTE)) * 60 * MINUTE;
    await generate(store, { models: 10, minutes: 30 * 1440, endMs, requests: 100_000_000 });
    await cycles(store, endMs);
    await rollupVsRaw(store, endMs, rawRows);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
