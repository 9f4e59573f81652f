// Drift on the embedded store (issue 5's bench/drift): 20 numeric features, 1 M reference rows
// (one hour) and 1 M current rows (the next hour) of one model, from bench/drift_data.py
// (seeded numpy; 10 features shifted or rescaled). Timed, 1 warm-up then 3 runs each:
//  - the full report: runDrift with a pinned reference that has no stored profile yet (the
//    reference rows are read and profiled, the profile stored, the current window profiled on
//    its bins, every feature judged by every method, the report stored);
//  - the report with the stored reference profile (only the current rows are read);
//  - the peer, in the same run: scipy.stats.ks_2samp on the same 20 features (KS alone).
// Run: npm run bench:drift   (node -r ./bench/ts-register.js bench/drift.ts [rows, default 1000000])
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDriftMonitors } from '../src/drift/config';
import { runDrift } from '../src/drift/run';
import { migrate } from '../src/store/migrate';
import { loadMigrationFiles } from '../src/store/migration-plan';
import { openStore } from '../src/store/open';
import type { Store, StoreCallEvent } from '../src/store/store';

// Store call time per tag while `calls` is set (engine + JSON + zod).
let calls: Map<string, number> | null = null;
function onCall(e: StoreCallEvent): void {
  if (calls !== null) calls.set(e.tag, Math.round((calls.get(e.tag) ?? 0) + e.durationMs));
}

const H = 3_600_000;
const T = Date.parse('2026-11-27T00:00:00Z');
const FEATURES = Array.from({ length: 20 }, (_, k) => `f${String(k).padStart(2, '0')}`);

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Inserts `file`'s rows spread over [fromMs, fromMs + 1 h), the 20 columns as features_num.
async function insertNpy(store: Store, file: string, fromMs: number, rows: number) {
  await store.command({
    tag: 'bench.drift_rows',
    sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, latency_ms, status, features_num)
          SELECT fromUnixTimestamp64Milli(toInt64({from:Int64} + rowNumberInAllBlocks() * 3600000 / {rows:UInt64}), 'UTC'),
                 'bench', 1, 'ok', mapFromArrays({names:Array(String)}, array)
          FROM file({file:String}, Npy)`,
    params: { from: fromMs, rows, names: FEATURES, file },
  });
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t };
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'insightagent-bench-drift-'));
  const py = (...args: string[]) =>
    execFileSync('python3', [path.join(__dirname, 'drift_data.py'), ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
  const store = openStore(
    { kind: 'embedded', path: path.join(dir, 'clickhouse'), database: 'bench' },
    onCall,
  );
  try {
    py('generate', dir, String(rows));
    await migrate(store, loadMigrationFiles());
    const ins = await timed(async () => {
      await insertNpy(store, path.join(dir, 'reference.npy'), T, rows);
      await insertNpy(store, path.join(dir, 'current.npy'), T + H, rows);
    });
    emit({
      figure: 'insert',
      rows_per_window: rows,
      features: FEATURES.length,
      ms: Math.round(ins.ms),
    });

    const [monitor] = parseDriftMonitors(
      [
        {
          model: 'bench',
          window: '1h',
          reference: { from: new Date(T).toISOString(), to: new Date(T + H).toISOString() },
        },
      ],
      'bench',
    );
    if (monitor === undefined) throw new Error('no monitor');
    const current = { fromMs: T + H, toMs: T + 2 * H };
    const dropProfile = () =>
      store.command({
        tag: 'bench.truncate',
        sql: 'TRUNCATE TABLE {db:Identifier}.reference_profiles',
      });

    const full: number[] = [];
    const stored: number[] = [];
    let report = await runDrift(store, monitor, 'bench', current, T + 2 * H); // warm-up
    let fullCalls = new Map<string, number>();
    let storedCalls = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      await dropProfile();
      calls = new Map();
      const f = await timed(() => runDrift(store, monitor, 'bench', current, T + 2 * H));
      full.push(f.ms);
      fullCalls = calls;
      calls = new Map();
      const s = await timed(() => runDrift(store, monitor, 'bench', current, T + 2 * H));
      stored.push(s.ms);
      storedCalls = calls;
      calls = null;
      report = s.value;
    }
    const scan = await timed(() =>
      store.query({
        tag: 'bench.scan',
        sql: `SELECT count(), sum(length(features_num)) FROM {db:Identifier}.inference_requests`,
      }),
    );
    const scipy = JSON.parse(py('ks', dir)) as {
      seconds: number;
      statistics: number[];
      normed_wasserstein: number[];
    };
    const v = report.verdict;
    emit({
      figure: 'drift_report',
      full_report_ms: full.map(Math.round),
      full_report_p50_ms: Math.round(median(full)),
      stored_profile_ms: stored.map(Math.round),
      stored_profile_p50_ms: Math.round(median(stored)),
      scipy_ks_alone_ms: Math.round(scipy.seconds * 1000),
      scipy_over_full_report: Math.round(((scipy.seconds * 1000) / median(full)) * 10) / 10,
      baseline_scan_both_windows_ms: Math.round(scan.ms),
      targets: { full_report_ms: 3000, speedup_vs_scipy_ks: 4, stored_profile_ms: 1000 },
      drifted: v.features.filter((f) => f.status === 'drifted').map((f) => f.feature),
      dataset_drift: v.datasetDrift,
      methods: [...new Set(v.features.map((f) => f.method))],
      last_full_store_ms_by_tag: Object.fromEntries(fullCalls),
      last_stored_store_ms_by_tag: Object.fromEntries(storedCalls),
    });
    // KS statistics from the sketches beside scipy's exact ones.
    const ks = v.features.map((f, k) => ({
      feature: f.feature,
      sketch_d: f.statistics?.ks ?? null,
      scipy_d: scipy.statistics[k],
    }));
    const errors = ks.map((k) => Math.abs((k.sketch_d ?? 0) - (k.scipy_d ?? 0)));
    emit({ figure: 'ks_sketch_vs_scipy', max_abs_d_error: Math.max(...errors), features: ks });
    // Absolute error in units of the reference sd; relative error where the distance is >= 0.01.
    const pairs = v.features.map((f, k) => [
      f.statistic ?? 0,
      scipy.normed_wasserstein[k] as number,
    ]);
    emit({
      figure: 'wasserstein_sketch_vs_scipy',
      max_abs_error: Math.max(...pairs.map(([a, b]) => Math.abs((a as number) - (b as number)))),
      max_relative_error_at_least_0_01: Math.max(
        ...pairs
          .filter(([, b]) => (b as number) >= 0.01)
          .map(([a, b]) => Math.abs((a as number) / (b as number) - 1)),
      ),
      report: v.features.map((f) => f.statistic),
      scipy: scipy.normed_wasserstein,
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
