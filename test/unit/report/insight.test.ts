// The whole report from the two reference hours, and the purity of the modules that compute it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildInsight } from '../../../src/report/insight';
import { chimeraBatchedHour, chimeraHour } from './fixtures';

const verdicts = (r: ReturnType<typeof buildInsight>) =>
  Object.fromEntries(r.summary.metrics.map((m) => [m.key, m.verdict]));

it('chimera hour (batching off): throughput and TTFT breached, batching recommended, over-subscription High', () => {
  const r = buildInsight(chimeraHour());
  expect(verdicts(r)).toMatchObject({ throughput_rps: 'breached', ttft_ms_mean: 'breached' });
  const batching = r.recommendations.find((x) => x.kind === 'batching');
  const predicted = batching?.figures.filter((f) =>
    f.name.startsWith('predicted_throughput_rps_b'),
  );
  expect(predicted?.some((f) => (f.value ?? 0) >= 10)).toBe(true);
  expect(r.risks.map((x) => [x.key, x.likelihood])).toEqual([
    ['gpu_oversubscription', 'High'],
    ['caching_inconsistency', 'Low'],
    ['model_drift', 'Low'],
  ]);
  expect(r.window).toEqual({
    fromMs: r.series.points[0]?.startMs,
    toMs: (r.series.points[0]?.startMs ?? 0) + 3_600_000,
  });
});

it('chimera batched hour: no breach, no batching recommendation, over-subscription Low', () => {
  const r = buildInsight(chimeraBatchedHour());
  expect(verdicts(r)).toMatchObject({ throughput_rps: 'met', ttft_ms_mean: 'met' });
  expect(r.recommendations.map((x) => x.kind)).not.toContain('batching');
  expect(r.risks[0]?.likelihood).toBe('Low');
});

it.each([
  'fit.ts',
  'format.ts',
  'summary.ts',
  'recommend.ts',
  'risks.ts',
  'thresholds.ts',
  'insight.ts',
  'chart.ts',
  'render-json.ts',
  'render-md.ts',
  'render-slack.ts',
  'render-html.ts',
])('src/report/%s imports no store, api, network or file system', (file) => {
  const text = readFileSync(join(__dirname, '../../../src/report', file), 'utf8');
  const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
  expect(
    imports.filter((i) => /store|api|node:(http|https|net|fs)|undici|@clickhouse/.test(i)),
  ).toEqual([]);
});
