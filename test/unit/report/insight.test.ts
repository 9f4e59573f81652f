// The whole report from the two reference hours, and the purity of the modules that compute it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

// Every module a pure one loads, followed through relative imports (type-only imports load
// nothing and are left out).
function loaded(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].map(
    (m) => m[1] as string,
  );
  return specs.flatMap((spec) =>
    // src/version.ts reads package.json once, at load: a constant, not I/O of the report's.
    spec.startsWith('.') && !spec.endsWith('/version')
      ? [spec, ...loaded(`${join(dirname(file), spec)}.ts`, seen)]
      : [spec],
  );
}

it.each([
  'config.ts',
  'evidence.ts',
  'request.ts',
  'fit.ts',
  'format.ts',
  'summary.ts',
  'recommend.ts',
  'risks.ts',
  'thresholds.ts',
  'insight.ts',
  'chart.ts',
  'render.ts',
  'render-json.ts',
  'render-md.ts',
  'render-slack.ts',
  'render-html.ts',
])('src/report/%s loads no store, api, network or file system, even indirectly', (file) => {
  const imports = loaded(join(__dirname, '../../../src/report', file));
  expect(
    imports.filter((i) => /store|\/api\/|node:(http|https|net|fs)|undici|@clickhouse/.test(i)),
  ).toEqual([]);
});
