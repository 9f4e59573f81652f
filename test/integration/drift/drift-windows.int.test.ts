// What drift reads of a window, on the real embedded store, against the same numbers computed
// here from the rows inserted: features seen, numeric summaries and quantile sketches, category
// counts and the KS statistic against bound reference values.
import { QUANTILE_LEVELS } from '../../../src/drift/profile';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import {
  categoryCounts,
  ksStatistics,
  numericSummaries,
} from '../../../src/store/repositories/drift-windows';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, seededRandom, tsText } from '../../helpers/telemetry-rows';

const T = Date.parse('2026-11-28T06:00:00Z');
const RANGE = { fromMs: T, toMs: T + 3_600_000 };
const N = 1500;
let store: Store;
const random = seededRandom(11);

interface Row {
  temperature: number;
  tokens: number;
  lang: string;
  requestType: string;
  hasTemperature: boolean;
}
const rows: Row[] = Array.from({ length: N }, (_, i) => ({
  temperature: Math.round(random() * 1000) / 1000,
  tokens: 50 + Math.floor(random() * 400),
  lang: ['en', 'en', 'en', 'de', 'fr'][i % 5] as string,
  requestType: i % 3 === 0 ? 'completion' : 'chat',
  hasTemperature: i % 10 !== 0,
}));

beforeAll(async () => {
  store = await openTestStore('drift_windows');
  await migrate(store, loadMigrationFiles());
  const requests = rows.map((r, i) =>
    requestRow({
      ts: tsText(T + i * 1000),
      model: 'chimera',
      request_type: r.requestType,
      input_tokens: r.tokens,
      features_num: r.hasTemperature ? { temperature: r.temperature } : {},
      features_cat: { lang: r.lang },
    }),
  );
  // A row of another model and one outside the window: neither may count.
  requests.push(
    requestRow({ ts: tsText(T + 10), model: 'other', input_tokens: 1, features_cat: { x: 'y' } }),
    requestRow({ ts: tsText(T - 1), model: 'chimera', input_tokens: 99_999 }),
  );
  await insertIngestRows(store, 'inference_requests', encodeJsonEachRow(requests), 'f1');
});

afterAll(async () => {
  await closeTestStore(store);
});

// numpy's default quantile: linear interpolation between order statistics.
function quantile(sorted: readonly number[], level: number): number {
  const h = (sorted.length - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

function ecdfDistance(a: readonly number[], b: readonly number[]): number {
  const points = [...new Set([...a, ...b])];
  let d = 0;
  for (const x of points) {
    const fa = a.filter((v) => v <= x).length / a.length;
    const fb = b.filter((v) => v <= x).length / b.length;
    d = Math.max(d, Math.abs(fa - fb));
  }
  return d;
}

const temperatures = () => rows.filter((r) => r.hasTemperature).map((r) => r.temperature);

it('every feature seen: map keys and the built-ins with values, of this model and window only', async () => {
  const numeric = await numericSummaries(store, 'chimera', RANGE, 'all');
  expect(numeric.map((s) => [s.feature, s.n])).toEqual([
    ['input_tokens', N],
    ['temperature', temperatures().length],
  ]);
  const categories = await categoryCounts(store, 'chimera', RANGE, 'all');
  expect([...categories.keys()]).toEqual(['lang', 'request_type']);
});

it('numeric summaries: n, mean, population std, min, max and a 1001-quantile sketch', async () => {
  const [tokens, temperature] = await numericSummaries(store, 'chimera', RANGE, [
    'temperature',
    'input_tokens',
  ]);
  const values = temperatures().sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  expect(temperature).toMatchObject({ feature: 'temperature', n: values.length, sample: [] });
  expect(temperature?.mean).toBeCloseTo(mean, 9);
  expect(temperature?.std).toBeCloseTo(std, 9);
  expect([temperature?.min, temperature?.max]).toEqual([values[0], values[values.length - 1]]);
  expect(temperature?.quantiles).toHaveLength(QUANTILE_LEVELS.length);
  // A t-digest: within 1 % of the range of numpy's quantile at every level, exact at the ends.
  const range = (values[values.length - 1] as number) - (values[0] as number);
  const worst = Math.max(
    ...QUANTILE_LEVELS.map((level, i) =>
      Math.abs((temperature?.quantiles[i] as number) - quantile(values, level)),
    ),
  );
  expect(worst).toBeLessThan(0.01 * range);
  expect(temperature?.quantiles[0]).toBe(values[0]);
  expect(temperature?.quantiles[1000]).toBe(values[values.length - 1]);
  expect(tokens).toMatchObject({ feature: 'input_tokens', n: N });
});

it('a small numeric window keeps every value, ascending', async () => {
  const small = { fromMs: T, toMs: T + 20_000 };
  const [summary] = await numericSummaries(store, 'chimera', small, ['input_tokens']);
  expect(summary?.sample).toEqual(
    rows
      .slice(0, 20)
      .map((r) => r.tokens)
      .sort((a, b) => a - b),
  );
});

it('category counts per value, the built-in request_type included', async () => {
  const counts = await categoryCounts(store, 'chimera', RANGE, ['lang', 'request_type']);
  expect(counts.get('lang')).toEqual({ en: 900, de: 300, fr: 300 });
  expect(counts.get('request_type')).toEqual({ chat: 1000, completion: 500 });
});

it('KS statistic against bound reference values equals the ECDF distance', async () => {
  const reference = [0.1, 0.25, 0.25, 0.5, 0.7, 0.71, 0.9, 0.95];
  const ks = await ksStatistics(store, 'chimera', RANGE, new Map([['temperature', reference]]));
  expect(ks.get('temperature')).toBeCloseTo(ecdfDistance(reference, temperatures()), 12);
});
