// The insight report's raw figures on the real engine: refusal counts by error type, cache hits
// and their TTFT, hits answered by another version, prompt repeats, device time per batch size,
// the busiest minute and the versions seen, each over [from, to) only.
import type { RequestRow } from '../../../src/ingest/rows';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import {
  batchTimes,
  CACHE_VERSION_ATTRIBUTE,
  minutesWithRequests,
  PROMPT_HASH_ATTRIBUTE,
  peakMinuteRequests,
  requestMix,
  versionsSeen,
} from '../../../src/store/repositories/report-evidence';
import type { Store } from '../../../src/store/store';
import { requestRow } from '../../helpers/ingest-rows';
import { closeTestStore, openTestStore } from '../../helpers/store';

const MINUTE = 60_000;
const M0 = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
const WINDOW = { fromMs: M0, toMs: M0 + 3 * MINUTE };

const at = (ms: number) => new Date(ms);
const row = (ms: number, overrides: Partial<RequestRow> = {}) => requestRow(overrides, at(ms));

const ROWS: RequestRow[] = [
  // Minute 0: four answered batch-of-2 requests (device 200 and 220 ms), two of them hashed alike.
  row(M0 + 1_000, {
    batch_size: 2,
    latency_ms: 300,
    queue_ms: 100,
    attributes: { [PROMPT_HASH_ATTRIBUTE]: 'a' },
  }),
  row(M0 + 2_000, {
    batch_size: 2,
    latency_ms: 320,
    queue_ms: 100,
    attributes: { [PROMPT_HASH_ATTRIBUTE]: 'a' },
  }),
  row(M0 + 3_000, {
    batch_size: 2,
    latency_ms: 250,
    queue_ms: 50,
    attributes: { [PROMPT_HASH_ATTRIBUTE]: 'b' },
  }),
  row(M0 + 4_000, { batch_size: 2, latency_ms: 270, queue_ms: 50 }),
  // Minute 1: a batch of 1 (no queue time), refusals, and cache behaviour on version v2.
  row(M0 + MINUTE, { batch_size: 1, latency_ms: 196, queue_ms: null, model_version: 'v2' }),
  row(M0 + MINUTE + 1, {
    status: 'error',
    error_type: 'rate_limited',
    batch_size: null,
    model_version: 'v2',
  }),
  row(M0 + MINUTE + 2, {
    status: 'error',
    error_type: 'queue_full',
    batch_size: null,
    model_version: 'v2',
  }),
  row(M0 + MINUTE + 3, {
    status: 'error',
    error_type: 'shed',
    batch_size: null,
    model_version: 'v2',
  }),
  row(M0 + MINUTE + 4, {
    status: 'error',
    error_type: 'timeout',
    batch_size: null,
    model_version: 'v2',
  }),
  // Cache: a miss (TTFT 100), a hit made by the same version (TTFT 10), a hit made by v1 (TTFT 20).
  row(M0 + MINUTE + 5, {
    cache_hit: false,
    ttft_ms: 100,
    batch_size: 1,
    latency_ms: 196,
    queue_ms: 0,
    model_version: 'v2',
  }),
  row(M0 + MINUTE + 6, {
    cache_hit: true,
    ttft_ms: 10,
    batch_size: null,
    model_version: 'v2',
    attributes: { [CACHE_VERSION_ATTRIBUTE]: 'v2' },
  }),
  row(M0 + MINUTE + 7, {
    cache_hit: true,
    ttft_ms: 20,
    batch_size: 1,
    latency_ms: 5,
    model_version: 'v2',
    attributes: { [CACHE_VERSION_ATTRIBUTE]: 'v1' },
  }),
  // Outside the window, either side: never counted.
  row(M0 - 1, { status: 'error', error_type: 'rate_limited', model_version: 'v0' }),
  row(WINDOW.toMs, { status: 'error', error_type: 'shed', model_version: 'v3' }),
];

let store: Store;

beforeAll(async () => {
  store = await openTestStore('report_evidence');
  await migrate(store, loadMigrationFiles());
  const rows = ROWS.map((r): Record<string, unknown> => ({ ...r }));
  await store.insert({ tag: 'test.requests', table: 'inference_requests', rows });
});

afterAll(() => closeTestStore(store));

it('counts refusals by kind, cache lookups and hits, hits across versions and prompt repeats', async () => {
  expect(await requestMix(store, 'chimera', WINDOW)).toEqual({
    requests: 12,
    rateLimited: 1,
    refused503: 2, // queue_full and shed; a timeout is not a refusal
    cacheLookups: 3,
    cacheHits: 2,
    hitsAcrossVersions: 1,
    hitTtftMeanMs: 15,
    missTtftMeanMs: 100,
    hashed: 3,
    distinctHashes: 2,
  });
});

it('reports hits across versions as unknown when no hit names its version', async () => {
  const mix = await requestMix(store, 'chimera', { fromMs: M0, toMs: M0 + MINUTE });
  expect(mix.cacheHits).toBe(0);
  expect(mix.hitsAcrossVersions).toBeNull();
  expect(mix.hitTtftMeanMs).toBeNull();
});

it('gives the device time per batch size of answered, uncached requests', async () => {
  expect(await batchTimes(store, 'chimera', WINDOW)).toEqual([
    { size: 1, requests: 2, meanMs: 196 },
    { size: 2, requests: 4, meanMs: 210 },
  ]);
});

it('finds the busiest minute and the versions in order of first use', async () => {
  expect(await peakMinuteRequests(store, 'chimera', WINDOW)).toBe(8);
  expect(await versionsSeen(store, 'chimera', WINDOW)).toEqual(['v1', 'v2']);
  expect(await peakMinuteRequests(store, 'nobody', WINDOW)).toBe(0);
  expect(await minutesWithRequests(store, 'chimera', WINDOW)).toBe(2);
  expect(
    await minutesWithRequests(store, 'chimera', { fromMs: M0 + MINUTE, toMs: WINDOW.toMs }),
  ).toBe(1);
  expect(await minutesWithRequests(store, 'nobody', WINDOW)).toBe(0);
});
