// How close the summary's quantiles (t-digest states merged from requests_1m, read at numpy's
// rank) come to numpy's linear quantiles of the raw values, on five latency shapes and window
// sizes from 20 to 4,000 values, spread over 30 minutes and 3 services so that many per-minute
// states are merged — and why the rank alignment is needed on small windows.
import { createModelStats } from '../../../src/model-stats/service';
import { parseMetric } from '../../../src/model-stats/timeseries';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { storeSink } from '../../helpers/store-sink';
import {
  normal,
  numpyQuantile,
  relativeError,
  requestRow,
  seededRandom,
  tsText,
} from '../../helpers/telemetry-rows';

const MINUTE = 60_000;
const FROM = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const TO = FROM + 30 * MINUTE;
const QS = [0.5, 0.95, 0.99] as const;

const SHAPES: Record<string, (random: () => number) => number> = {
  lognormal: (r) => Math.exp(Math.log(120) + 0.6 * normal(r)),
  pareto: (r) => 20 / (1 - r()) ** (1 / 1.5),
  bimodal: (r) => (r() < 0.9 ? 50 + 5 * normal(r) : 2000 + 300 * normal(r)),
  exponential: (r) => -100 * Math.log(1 - r()),
  uniform: (r) => 1000 * r(),
};
const SIZES = [20, 150, 1000, 4000];

interface Case {
  model: string;
  values: number[];
}

const CASES: Case[] = Object.entries(SHAPES).flatMap(([shape, draw], s) =>
  SIZES.map((n) => {
    const random = seededRandom(1000 * s + n);
    const values = Array.from({ length: n }, () =>
      Math.max(0, Math.round(draw(random) * 1000) / 1000),
    );
    return { model: `${shape}-${n}`, values };
  }),
);

// One model with values in each of 300 minutes: a per-minute timeseries needs more than one
// step-quantile statement (200 steps per statement).
const DENSE_FROM = FROM - 300 * MINUTE;
const DENSE = Array.from({ length: 300 * 3 }, (_, i) => ({
  ms: DENSE_FROM + Math.floor(i / 3) * MINUTE + (i % 3) * 1000,
  latency: 10 + ((i * 7919) % 1000) / 10,
}));

let store: Store;

beforeAll(async () => {
  store = await openTestStore('summary_quantiles');
  await migrate(store, loadMigrationFiles());
  const sink = storeSink(store);
  for (const { model, values } of CASES) {
    const rows = values.map((latency, i) =>
      requestRow({
        ts: tsText(FROM + (i % 30) * MINUTE + (i % 997) * 10),
        model,
        service: `svc-${i % 3}`,
        latency_ms: latency,
      }),
    );
    // Several inserts per model: more parts, more states to merge.
    for (let i = 0; i < rows.length; i += 500) {
      await sink.write({
        inference_requests: rows.slice(i, i + 500),
        evaluations: [],
        pending_evaluations: [],
        metric_points: [],
      });
    }
  }
  await sink.write({
    inference_requests: DENSE.map((d) =>
      requestRow({ ts: tsText(d.ms), model: 'dense', latency_ms: d.latency }),
    ),
    evaluations: [],
    pending_evaluations: [],
    metric_points: [],
  });
}, 120_000);

afterAll(async () => {
  if (store !== undefined) await closeTestStore(store);
});

describe('summary quantiles against numpy', () => {
  const stats = () => createModelStats(store, { now: () => new Date(TO + MINUTE) });

  it.each(CASES.map((c) => [c.model, c]))(
    '%s: p50, p95 and p99 within 1 % of numpy (exact up to Float32 below ~200 values)',
    async (_name, { model, values }) => {
      const summary = await stats().summary(model, { from: FROM, to: TO });
      expect(summary.requests).toBe(values.length);
      const sorted = [...values].sort((a, b) => a - b);
      const got = [summary.latency_ms.p50, summary.latency_ms.p95, summary.latency_ms.p99];
      const bound = values.length < 200 ? 1e-6 : 0.01;
      for (const [i, q] of QS.entries())
        expect(relativeError(got[i] as number, numpyQuantile(sorted, q))).toBeLessThan(bound);
    },
  );

  it("ClickHouse's quantileTDigestMerge(q) alone misses numpy by more than 1 % on small windows", async () => {
    const misses: string[] = [];
    for (const { model, values } of CASES.filter((c) => c.values.length < 200)) {
      const [row] = await store.query<{ q: number[] }>({
        tag: 'test.plain_tdigest',
        sql: `SELECT quantilesTDigestMerge(0.5, 0.95, 0.99)(latency_quantiles) AS q
              FROM {db:Identifier}.requests_1m WHERE model = {model:String}`,
        params: { model },
      });
      const sorted = [...values].sort((a, b) => a - b);
      for (const [i, q] of QS.entries()) {
        if (relativeError(row?.q[i] as number, numpyQuantile(sorted, q)) > 0.01)
          misses.push(`${model} p${q * 100}`);
      }
    }
    expect(misses.length).toBeGreaterThan(0);
  });
});

describe('timeseries quantiles over many steps', () => {
  it("p95 per minute over 300 minutes: every point is numpy's p95 of its minute", async () => {
    const stats = createModelStats(store, { now: () => new Date(TO) });
    const metric = parseMetric('latency_ms_p95');
    if ('error' in metric) throw new Error(metric.error);
    const t = await stats.timeseries('dense', {
      from: DENSE_FROM,
      to: FROM,
      metric,
      stepSeconds: 60,
    });
    expect(t.points).toHaveLength(300);
    for (const [i, point] of t.points.entries()) {
      const values = DENSE.slice(3 * i, 3 * i + 3)
        .map((d) => d.latency)
        .sort((a, b) => a - b);
      expect(relativeError(point.value as number, numpyQuantile(values, 0.95))).toBeLessThan(1e-6);
    }
  });
});
