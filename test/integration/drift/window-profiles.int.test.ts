// A reference window profiled, stored and loaded back unchanged; the current window counted on
// the reference's bins, with the exact KS statistic when the reference kept every value.
import { binOf, type NumericProfile } from '../../../src/drift/profile';
import { exactKsStatistics, onBins, profileWindow } from '../../../src/drift/window-profiles';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { encodeJsonEachRow, insertIngestRows } from '../../../src/store/repositories/ingest-rows';
import {
  insertReferenceProfile,
  loadReferenceProfile,
} from '../../../src/store/repositories/reference-profiles';
import type { Store } from '../../../src/store/store';
import { closeTestStore, openTestStore } from '../../helpers/store';
import { requestRow, tsText } from '../../helpers/telemetry-rows';

const H = 3_600_000;
const T = Date.parse('2026-11-28T00:00:00Z');
const REFERENCE = { fromMs: T, toMs: T + H };
const CURRENT = { fromMs: T + H, toMs: T + 2 * H };
const FEATURES = ['input_tokens', 'lang', 'score'];
let store: Store;

// Reference hour: 600 requests; current hour: 300 requests with more tokens and more German.
const refTokens = (i: number) => 100 + (i % 50) * 4;
const curTokens = (i: number) => 130 + (i % 50) * 5;
const refScores = [0.2, 0.4, 0.4, 0.9]; // a small numeric feature: every value kept

beforeAll(async () => {
  store = await openTestStore('drift_profiles');
  await migrate(store, loadMigrationFiles());
  const rows = [
    ...Array.from({ length: 600 }, (_, i) =>
      requestRow({
        ts: tsText(T + i * 5000),
        model: 'chimera',
        input_tokens: refTokens(i),
        features_cat: { lang: i % 4 === 0 ? 'de' : 'en' },
        features_num: i < refScores.length ? { score: refScores[i] as number } : {},
      }),
    ),
    ...Array.from({ length: 300 }, (_, i) =>
      requestRow({
        ts: tsText(T + H + i * 10_000),
        model: 'chimera',
        input_tokens: curTokens(i),
        features_cat: { lang: i % 2 === 0 ? 'de' : 'en' },
        features_num: { score: (i % 10) / 10 },
      }),
    ),
  ];
  await insertIngestRows(store, 'inference_requests', encodeJsonEachRow(rows), 'f1');
});

afterAll(async () => {
  await closeTestStore(store);
});

it('a reference window is profiled once, stored, and loads back unchanged', async () => {
  const profiles = await profileWindow(store, 'chimera', REFERENCE, FEATURES);
  const origin = {
    profileId: 'window:test',
    model: 'chimera',
    source: 'window' as const,
    window: REFERENCE,
    description: 'the first hour',
  };
  await insertReferenceProfile(store, origin, profiles, T + 3 * H);
  const loaded = await loadReferenceProfile(store, 'chimera', 'window:test');
  expect(loaded).toEqual({ origin, features: profiles });
  expect(await loadReferenceProfile(store, 'chimera', 'nope')).toBeUndefined();

  const tokens = profiles[0] as NumericProfile;
  expect(tokens).toMatchObject({ feature: 'input_tokens', n: 600, min: 100, max: 296 });
  expect(tokens.edges).toHaveLength(9);
  expect(tokens.counts.reduce((a, b) => a + b, 0)).toBe(600);
  // 600 values: under the exact cap, so every one is kept, ascending.
  expect(tokens.sample).toEqual(
    Array.from({ length: 600 }, (_, i) => refTokens(i)).sort((a, b) => a - b),
  );
});

it('the current window is counted on the reference edges; KS exact against a small reference', async () => {
  const reference = await profileWindow(store, 'chimera', REFERENCE, FEATURES);
  const current = await profileWindow(store, 'chimera', CURRENT, FEATURES);
  const refTokensProfile = reference[0] as NumericProfile;
  const curTokensProfile = onBins(current[0] as NumericProfile, refTokensProfile);
  expect(curTokensProfile.edges).toEqual(refTokensProfile.edges);
  const expected = new Array(refTokensProfile.edges.length + 1).fill(0);
  for (let i = 0; i < 300; i++) expected[binOf(curTokens(i), refTokensProfile.edges)] += 1;
  expect(curTokensProfile.counts).toEqual(expected);
  expect(current[1]).toEqual({
    feature: 'lang',
    kind: 'categorical',
    n: 300,
    categories: { de: 150, en: 150 },
  });
  // score: the reference kept its 4 values, so D is exact: current 0.0..0.9 (30 each).
  const cur = Array.from({ length: 300 }, (_, i) => (i % 10) / 10);
  let d = 0;
  for (const x of [...refScores, ...cur]) {
    const fr = refScores.filter((v) => v <= x).length / refScores.length;
    const fc = cur.filter((v) => v <= x).length / cur.length;
    d = Math.max(d, Math.abs(fr - fc));
  }
  const ks = await exactKsStatistics(store, 'chimera', CURRENT, reference);
  expect(ks.get('score')).toBeCloseTo(d, 12);
  expect(ks.has('input_tokens')).toBe(true);
});
