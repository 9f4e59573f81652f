// Every panel of every dashboard in dashboards/ runs against the embedded store filled with
// simulated traffic: its SQL with Grafana's variables and the ClickHouse plugin's macros expanded
// (test/helpers/grafana-macros.ts), through a read-only session as Grafana's `grafana` user
// would, and returns the columns the panel reads (panel-expectations.ts).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { MetricPointRow } from '../../../src/ingest/rows';
import { backfill } from '../../../src/simulate/backfill';
import { scenarioByName } from '../../../src/simulate/scenarios';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { saveAlertStates } from '../../../src/store/repositories/alert-states';
import { insertDriftReport } from '../../../src/store/repositories/drift-reports';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import { insertRetrainTriggers } from '../../../src/store/repositories/retrain-triggers';
import { insertSloStatus } from '../../../src/store/repositories/slo-status';
import { openSqlRunner, type SqlResult, type SqlRunner } from '../../../src/store/repositories/sql';
import type { Store } from '../../../src/store/store';
import {
  type GrafanaQueryContext,
  panelIntervalMs,
  renderPanelSql,
} from '../../helpers/grafana-macros';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { PANEL_EXPECTATIONS } from './panel-expectations';

const DIR = join(__dirname, '../../../dashboards');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MODEL = 'chimera';
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE;
const FROM = T0 - 3 * HOUR;
const MAX_DATA_POINTS = 1000;

interface Target {
  refId: string;
  rawSql: string;
  editorType?: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  interval?: string;
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: string;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const dashboards = files.map((f) => ({
  file: f,
  json: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Dashboard,
}));

let store: Store;
let runner: SqlRunner;

const inDatabase = (sql: string) => sql.replace(/\binsightagent\./g, `${store.database}.`);

async function run(sql: string, ctx: GrafanaQueryContext): Promise<SqlResult> {
  return runner.run(inDatabase(renderPanelSql(sql, ctx)));
}

// The variables as Grafana resolves them: each query variable runs against the store in order
// (version depends on model) and, with All selected, stands for every value it returned.
async function resolveVariables(d: Dashboard): Promise<Record<string, string[]>> {
  const vars: Record<string, string[]> = {};
  const ctx = { fromMs: FROM, toMs: T0, intervalMs: MINUTE, variables: vars };
  for (const v of d.templating.list) {
    if (v.type === 'query') {
      const result = await run(v.query, ctx);
      const values = result.rows.map((r) => String(r[0]));
      expect(values.length).toBeGreaterThan(0);
      vars[v.name] = v.name === 'model' ? [MODEL] : values;
      if (v.name === 'model') expect(values).toContain(MODEL);
    } else {
      vars[v.name] = [v.query];
    }
  }
  return vars;
}

const isTime = (type: string) => /^(Nullable\()?DateTime/.test(type);
const isNumeric = (type: string) =>
  /^(Nullable\()?(LowCardinality\()?(U?Int|Float|Decimal)/.test(type);

beforeAll(async () => {
  store = await openTestStore('dashboards');
  await migrate(store, loadMigrationFiles());
  await backfill(store, {
    scenario: scenarioByName('chimera-day'),
    startMs: FROM,
    durationMs: 2 * HOUR,
    seed: 8,
  });
  await backfill(store, {
    scenario: scenarioByName('chimera'),
    startMs: T0 - HOUR,
    durationMs: HOUR,
    seed: 9,
  });
  await seedPipelineRows(store);
  runner = openSqlRunner({ kind: 'embedded', path: ':memory:', database: store.database });
}, 120_000);

afterAll(async () => {
  await runner?.close();
  if (store !== undefined) await closeTestStore(store);
});

describe('dashboard files', () => {
  test('four dashboards, valid JSON, unique uids, unique panel ids, current schema', () => {
    expect(files.sort()).toEqual([
      'inference-performance.json',
      'model-slos.json',
      'quality-drift.json',
      'sidecar.json',
    ]);
    const uids = dashboards.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { json } of dashboards) {
      expect(json.schemaVersion).toBeGreaterThanOrEqual(39);
      const ids = json.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const titles = json.panels.map((p) => p.title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const p of json.panels) {
        expect(p.description).toMatch(/\S/);
        for (const t of p.targets ?? []) {
          expect(t.editorType).toBe('sql');
          expect(t.datasource).toEqual({
            type: 'grafana-clickhouse-datasource',
            uid: 'insightagent-clickhouse',
          });
        }
      }
      // Every panel has declared expectations, and every expectation has its panel.
      expect(Object.keys(PANEL_EXPECTATIONS[json.uid] ?? {}).sort()).toEqual([...titles].sort());
    }
  });

  test('the provisioning YAML parses and points at the datasource and dashboards', () => {
    const ds = parseYaml(
      readFileSync(join(DIR, 'provisioning/datasources/clickhouse.yaml'), 'utf8'),
    ) as { apiVersion: number; datasources: Array<Record<string, unknown>> };
    expect(ds.apiVersion).toBe(1);
    const [source] = ds.datasources;
    expect(source).toMatchObject({
      uid: 'insightagent-clickhouse',
      type: 'grafana-clickhouse-datasource',
      jsonData: {
        host: 'clickhouse',
        port: 8123,
        protocol: 'http',
        username: 'grafana',
        defaultDatabase: 'insightagent',
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's env reference, kept literally
      secureJsonData: { password: '${GRAFANA_CLICKHOUSE_PASSWORD}' },
    });
    const provider = parseYaml(
      readFileSync(join(DIR, 'provisioning/dashboards/insightagent.yaml'), 'utf8'),
    ) as { apiVersion: number; providers: Array<Record<string, unknown>> };
    expect(provider.providers[0]).toMatchObject({
      type: 'file',
      options: { path: '/var/lib/grafana/dashboards' },
    });
  });
});

describe.each(dashboards.map((d) => [d.json.title, d.json] as const))('%s', (_title, d) => {
  test('every panel query runs and returns the columns its panel reads', async () => {
    const variables = await resolveVariables(d);
    let nonEmpty = 0;
    for (const panel of d.panels) {
      const expected = PANEL_EXPECTATIONS[d.uid]?.[panel.title] ?? {};
      const targets = panel.targets ?? [];
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        const ctx: GrafanaQueryContext = {
          fromMs: FROM,
          toMs: T0,
          intervalMs: panelIntervalMs(T0 - FROM, MAX_DATA_POINTS, panel.interval),
          variables,
        };
        let result: SqlResult;
        try {
          result = await run(target.rawSql, ctx);
        } catch (err) {
          throw new Error(`${d.uid} / ${panel.title}: ${(err as Error).message}`);
        }
        const names = result.columns.map((c) => c.name);
        const where = `${d.uid} / ${panel.title}: ${JSON.stringify(result.columns)}`;
        if (expected.columns !== undefined)
          expect([where, names]).toEqual([where, expected.columns]);
        if (panel.type === 'timeseries') {
          expect([where, isTime(result.columns[0]?.type ?? '')]).toEqual([where, true]);
          expect([where, result.columns.slice(1).some((c) => isNumeric(c.type))]).toEqual([
            where,
            true,
          ]);
        }
        if (expected.nonEmpty === true) {
          expect([where, result.rows.length > 0]).toEqual([where, true]);
          nonEmpty++;
        }
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(1);
  });
});

// What the SLO, alert, drift, retrain jobs and the sidecar's OTLP metrics write, a few rows each.
async function seedPipelineRows(s: Store): Promise<void> {
  const evaluatedAt = [T0 - 30 * MINUTE, T0 - 20 * MINUTE, T0 - 10 * MINUTE];
  await insertSloStatus(
    s,
    evaluatedAt.map((at, i) => ({
      slo: 'chimera-ttft',
      model: MODEL,
      evaluatedAtMs: at,
      evaluation: {
        window: { start_ms: at - 30 * 24 * HOUR, end_ms: at },
        method: 'occurrences',
        objective: 0.99,
        sli: 0.995 - i * 0.01,
        good: 995 - i * 10,
        total: 1000,
        budget: { total: 10, consumed: 5 + i * 10, remaining_fraction: 0.5 - i },
        burn_rates: { '5m': 1 + i * 10, '1h': 0.5 + i * 5, '6h': null },
        conditions: [],
        firing: i === 2 ? 'page' : null,
      },
    })),
  );
  await saveAlertStates(s, [
    {
      fingerprint: 'chimera-ttft/chimera/page',
      slo: 'chimera-ttft',
      model: MODEL,
      severity: 'page',
      phase: 'firing',
      episode: 1,
      started_at_ms: T0 - 10 * MINUTE,
      resolved_at_ms: null,
      updated_at_ms: T0 - 10 * MINUTE,
      notified_at_ms: T0 - 10 * MINUTE,
      owes_resolved: true,
      repeats: 0,
      figures: { sli: 0.975, objective: 0.99, budget_remaining: -1.5, burn_rates: { '5m': 21 } },
    },
  ]);
  const reportId = `drift-${randomUUID()}`;
  const feature = (name: string, statistic: number, drifted: boolean) => ({
    feature: name,
    kind: 'numeric' as const,
    status: drifted ? ('drifted' as const) : ('ok' as const),
    method: 'wasserstein' as const,
    direction: 'statistic_at_least' as const,
    threshold: 0.1,
    statistic,
    pValue: null,
    adjustedPValue: null,
    referenceN: 5000,
    currentN: 5000,
    bins: ['0-10', '10-20'],
    referenceCounts: [2500, 2500],
    currentCounts: [1000, 4000],
    note: 'exact',
  });
  await insertDriftReport(s, {
    id: reportId,
    model: MODEL,
    modelVersion: 'chimera-2024-06',
    monitor: 'default',
    createdAtMs: T0 - 5 * MINUTE,
    current: { fromMs: T0 - HOUR, toMs: T0 - 5 * MINUTE },
    reference: { profileId: 'ref-1', fromMs: FROM, toMs: FROM + HOUR, description: 'pinned' },
    verdict: {
      features: [feature('prompt_tokens', 0.25, true), feature('temperature', 0.02, false)],
      judged: 2,
      drifted: 1,
      insufficient: 0,
      driftShare: 0.5,
      shareThreshold: 0.5,
      datasetDrift: true,
      correction: 'none',
    },
  });
  await insertRetrainTriggers(s, [
    {
      triggerId: 'k1.airflow',
      idempotencyKey: 'k1',
      model: MODEL,
      modelVersion: 'chimera-2024-06',
      reason: 'drift',
      target: 'airflow',
      targetKind: 'airflow',
      windowFrom: new Date(T0 - HOUR).toISOString(),
      windowTo: new Date(T0 - 5 * MINUTE).toISOString(),
      reportId,
      evidence: JSON.stringify({ reportId }),
      createdAtMs: T0 - 4 * MINUTE,
    },
  ]);
  // The sidecar's cumulative histograms, one point a minute for the last 10 minutes.
  const points: MetricPointRow[] = [];
  for (let i = 0; i < 10; i++) {
    const at = new Date(T0 - (10 - i) * MINUTE).toISOString().replace('Z', '');
    for (const name of ['gen_ai.server.request.duration', 'gen_ai.server.time_to_first_token'])
      points.push({
        ts: at,
        start_ts: new Date(FROM).toISOString().replace('Z', ''),
        name,
        kind: 'histogram',
        unit: 's',
        temporality: 'cumulative',
        is_monotonic: false,
        service: 'insightagent-sidecar',
        model: MODEL,
        value: null,
        count: 100 * (i + 1),
        sum: 120 * (i + 1),
        min: 0.2,
        max: 3,
        bucket_bounds: [0.5, 1, 2],
        bucket_counts: [10 * (i + 1), 40 * (i + 1), 40 * (i + 1), 10 * (i + 1)],
        scale: null,
        zero_count: null,
        positive_offset: null,
        positive_counts: [],
        negative_offset: null,
        negative_counts: [],
        quantiles: [],
        quantile_values: [],
        attributes: { 'gen_ai.request.model': MODEL },
        resource_attributes: { 'service.name': 'insightagent-sidecar' },
      });
  }
  await insertIngestRows(s, 'metric_points', encodeJsonEachRow(points), `dash-${randomUUID()}`);
}
