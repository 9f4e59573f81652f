// The drift API over real HTTP on the real embedded store: list and show reports (JSON and the
// standalone HTML page), run a monitor now, upload a baseline (CSV, JSON lines) profiled in the
// engine, pin a window, and a monitor then judging against the uploaded profile; scopes.
// "chimera": 2,000 requests an hour, input_tokens x1.3 and another lang mix from hour 2.
import type { Server } from 'node:http';
import { createApp } from '../../../src/api/app';
import { closeServer, listen } from '../../../src/api/http-server';
import type { Clock } from '../../../src/clock';
import { parseTokens } from '../../../src/config/tokens';
import { parseDriftMonitors } from '../../../src/drift/config';
import { exactQuantiles, QUANTILE_LEVELS } from '../../../src/drift/profile';
import type { ReportJson } from '../../../src/drift/report-json';
import { migrate } from '../../../src/store/migrate';
import { loadMigrationFiles } from '../../../src/store/migration-plan';
import { loadReferenceProfile } from '../../../src/store/repositories/reference-profiles';
import type { Store } from '../../../src/store/store';
import { createLogger } from '../../../src/telemetry/logger';
import { createMetrics } from '../../../src/telemetry/metrics';
import { closeTestStore, openTestStore } from '../../helpers/store';

const ADMIN = 'admin-secret-0123456789a';
const READ = 'read-secret-0123456789ab';
const tokens = parseTokens(`ops:${ADMIN}:admin,grafana:${READ}:read`);
const H = 3_600_000;
const START = Date.parse('2026-11-20T00:00:00Z');
const PER_HOUR = 2000;
const iso = (ms: number) => new Date(ms).toISOString();

let store: Store;
let server: Server;
let base: string;
const clock: Clock = { now: () => new Date(START + 4 * H + 5_000) };

const monitors = parseDriftMonitors(
  [
    {
      name: 'pinned',
      model: 'chimera',
      window: '1h',
      reference: { from: iso(START), to: iso(START + 2 * H) },
    },
    { name: 'trained', model: 'chimera', window: '1h', reference: { profile: 'training' } },
    { name: 'everyone', model: '*', window: '1h', reference: { profile: 'nothing' } },
  ],
  'test',
);

beforeAll(async () => {
  store = await openTestStore('drift_api');
  await migrate(store, loadMigrationFiles());
  await store.command({
    tag: 'test.traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests
            (ts, model, latency_ms, status, input_tokens, request_type, features_num, features_cat)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + number * 3600000 / {per_hour:UInt32}), 'UTC'),
                 'chimera', 500, 'ok',
                 toUInt32(round((150 + cityHash64(number, 't') % 101) * if(shifted, 1.3, 1))),
                 if(cityHash64(number, 'r') % 10 < 6, 'chat', 'completion'),
                 map('<script>', toFloat64(cityHash64(number, 's') % 50)),
                 map('lang', multiIf(l < if(shifted, 40, 70), 'en', l < if(shifted, 80, 90), 'de', 'fr'))
          FROM (SELECT number, cityHash64(number, 'l') % 100 AS l, intDiv(number, {per_hour:UInt32}) >= 2 AS shifted
                FROM numbers({rows:UInt64}))`,
    params: { start: START, per_hour: PER_HOUR, rows: 4 * PER_HOUR },
  });
  const app = createApp({
    tokens,
    log: createLogger('silent'),
    metrics: createMetrics(),
    readiness: async () => ({ ready: true }) as never,
    status: async () => ({}),
    effectiveConfig: () => ({}),
    drift: { store, monitors, clock, maxUploadBytes: 1024 * 1024 },
  });
  const l = await listen(app, '127.0.0.1', 0);
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
}, 60_000);

afterAll(async () => {
  await closeServer(server, 1000);
  await closeTestStore(store);
});

function call(
  method: string,
  path: string,
  options: { body?: string; type?: string; token?: string | null } = {},
) {
  const token = options.token === undefined ? ADMIN : options.token;
  return fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.type !== undefined ? { 'content-type': options.type } : {}),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}
const postJson = (path: string, body: unknown, token?: string | null) =>
  call('POST', path, { body: JSON.stringify(body), type: 'application/json', token });
const get = (path: string, token: string | null = READ) => call('GET', path, { token });

async function error(res: Response, status: number): Promise<{ code: string; message: string }> {
  expect(res.status).toBe(status);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

// The rows of hours [from, to) as the file a training pipeline would export.
async function exportCsv(fromHour: number, toHour: number): Promise<string> {
  const rows = await store.query<{ input_tokens: number; lang: string; request_type: string }>({
    tag: 'test.export',
    sql: `SELECT input_tokens, features_cat['lang'] AS lang, request_type
          FROM {db:Identifier}.inference_requests
          WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
          ORDER BY ts`,
    params: { from: START + fromHour * H, to: START + toHour * H },
  });
  return `input_tokens,lang,request_type\n${rows.map((r) => `${r.input_tokens},${r.lang},${r.request_type}`).join('\n')}\n`;
}

describe('POST /api/v1/drift/run', () => {
  let first: ReportJson;

  it('runs the model’s monitor over the last complete window and answers the stored report (201)', async () => {
    const res = await postJson('/api/v1/drift/run', { model: 'chimera' });
    expect(res.status).toBe(201);
    first = (await res.json()) as ReportJson;
    expect(first).toMatchObject({
      model: 'chimera',
      monitor: 'pinned',
      created_at: iso(START + 4 * H + 5_000),
      current: { from: iso(START + 3 * H), to: iso(START + 4 * H) },
      reference: {
        profile_id: `window_${START}_${START + 2 * H}`,
        from: iso(START),
        to: iso(START + 2 * H),
      },
      dataset_drift: true,
      judged: 4,
      insufficient: 0,
      correction: 'none',
    });
    const byName = Object.fromEntries(first.features.map((f) => [f.feature, f]));
    expect(Object.keys(byName).sort()).toEqual([
      '<script>',
      'input_tokens',
      'lang',
      'request_type',
    ]);
    expect(byName.input_tokens).toMatchObject({
      status: 'drifted',
      kind: 'numeric',
      reference_n: 4000,
      current_n: 2000,
    });
    expect(byName.request_type?.status).toBe('ok');
    const hist = byName.lang?.histogram;
    expect([...(hist?.bins ?? [])].sort()).toEqual(['de', 'en', 'fr']);
    expect(hist?.reference.reduce((a, b) => a + b, 0)).toBe(4000);
    // Stored: the same JSON read back.
    const back = await get(`/api/v1/drift/reports/${encodeURIComponent(first.id)}`);
    expect(back.status).toBe(200);
    expect(await back.json()).toEqual(first);
  });

  it('runs a named monitor over a given window; the report is listed', async () => {
    const res = await postJson('/api/v1/drift/run', {
      model: 'chimera',
      monitor: 'pinned',
      window: { from: iso(START + H), to: iso(START + 2 * H) },
    });
    expect(res.status).toBe(201);
    const report = (await res.json()) as ReportJson;
    expect(report).toMatchObject({
      current: { from: iso(START + H) },
      dataset_drift: false,
      drifted: 0,
    });
    const listed = (await (await get('/api/v1/drift/reports?model=chimera')).json()) as {
      reports: ReportJson[];
    };
    expect(listed.reports.map((r) => r.current.from)).toEqual([iso(START + 3 * H), iso(START + H)]);
    expect(listed.reports[0]).not.toHaveProperty('features');
  });

  it('refuses a read token (403), no token (401), an unknown monitor (404), a bad body (400)', async () => {
    expect(
      (await error(await postJson('/api/v1/drift/run', { model: 'chimera' }, READ), 403)).code,
    ).toBe('forbidden');
    expect(
      (await error(await postJson('/api/v1/drift/run', { model: 'chimera' }, null), 401)).code,
    ).toBe('unauthenticated');
    const unknown = await error(
      await postJson('/api/v1/drift/run', { model: 'chimera', monitor: 'nope' }, ADMIN),
      404,
    );
    expect(unknown.message).toContain('no drift monitor named "nope"');
    const missing = await error(await postJson('/api/v1/drift/run', {}), 400);
    expect(missing.message).toMatch(/^model: /);
    const badWindow = await error(
      await postJson('/api/v1/drift/run', {
        model: 'chimera',
        window: { from: 'yesterday', to: iso(START) },
      }),
      400,
    );
    expect(badWindow.message).toMatch(/^window\.from: expected an ISO-8601 time/);
    // The `*` monitor's uploaded profile does not exist for this model.
    const noProfile = await error(await postJson('/api/v1/drift/run', { model: 'other' }), 404);
    expect(noProfile.code).toBe('reference_not_found');
  });
});

describe('GET /api/v1/drift/reports', () => {
  it('filters by model and by when the current window ended, newest first, up to limit', async () => {
    const list = async (query: string) =>
      (
        (await (await get(`/api/v1/drift/reports?${query}`)).json()) as { reports: ReportJson[] }
      ).reports.map((r) => r.current.to);
    expect(await list('limit=1')).toEqual([iso(START + 4 * H)]);
    expect(await list(`from=${iso(START + 3 * H)}`)).toEqual([iso(START + 4 * H)]);
    expect(await list(`to=${iso(START + 3 * H)}`)).toEqual([iso(START + 2 * H)]);
    expect(await list('model=other')).toEqual([]);
  });

  it.each([
    ['limit=0', /^limit: expected an integer from 1 to 1000/],
    ['limit=1001', /^limit: expected an integer from 1 to 1000/],
    ['limit=ten', /^limit: expected an integer from 1 to 1000/],
    ['from=2026-13-01', /^from: expected an ISO-8601 time/],
    ['to=noon', /^to: expected an ISO-8601 time/],
    [`from=${iso(START + H)}&to=${iso(START)}`, /^from: expected from before to/],
    ['model=a&model=b', /^model: expected a single value/],
    ['since=1', /^unknown query parameter since/],
  ])('answers 400 naming the parameter for %s', async (query, message) => {
    const e = await error(await get(`/api/v1/drift/reports?${query}`), 400);
    expect(e.code).toBe('invalid_parameter');
    expect(e.message).toMatch(message);
  });

  it('answers 404 for an unknown report id and 401 without a token', async () => {
    const e = await error(await get('/api/v1/drift/reports/drift_nope'), 404);
    expect(e).toEqual({
      code: 'report_not_found',
      message: 'no drift report with id "drift_nope"',
    });
    await error(await get('/api/v1/drift/reports', null), 401);
  });
});

describe('GET /api/v1/drift/reports/:id?format=html', () => {
  it('is a standalone page: verdict, one table row and one bar chart per feature, data escaped', async () => {
    const [report] = (
      (await (await get('/api/v1/drift/reports?limit=1')).json()) as { reports: ReportJson[] }
    ).reports;
    const res = await get(
      `/api/v1/drift/reports/${encodeURIComponent(report?.id ?? '')}?format=html`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(
      `<title>Drift report: chimera, ${iso(START + 3 * H)} – ${iso(START + 4 * H)}</title>`,
    );
    expect(html).toMatch(
      /<div class="verdict drift" id="verdict">Dataset drift detected: 2 of 4 features drifted/,
    );
    // The feature named <script> is text, never markup; nothing loads or runs.
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    const rows = html.match(/<tbody>([\s\S]*)<\/tbody>/)?.[1]?.match(/<tr>/g) ?? [];
    expect(rows).toHaveLength(4);
    expect(html.match(/<svg /g)).toHaveLength(4);
    // lang: three categories, each a reference and a current bar.
    const lang =
      html.match(
        /<section class="feature" id="feature-\d+">\s*<h2>lang [\s\S]*?<\/section>/,
      )?.[0] ?? '';
    expect(lang.match(/<rect /g)).toHaveLength(6);
    expect(lang).toMatch(/<title>en: reference 70\.\d%, current 4\d\.\d%<\/title>/);
    const bad = await error(await get(`/api/v1/drift/reports/${report?.id}?format=xml`), 400);
    expect(bad.message).toMatch(/^format: expected json or html/);
  });
});

describe('POST /api/v1/references', () => {
  const small = [
    [3.5, 'a'],
    [1, 'b'],
    [2, 'a'],
    [10, ''],
    [-4.25, 'c'],
    [7, 'a'],
  ] as const;

  it('profiles a CSV in the engine: n, mean, std, min, max and quantiles as numpy computes them', async () => {
    const csv = `x,label,<script>\n${small.map(([x, l], i) => `${x},${l},${i}`).join('\n')}\n`;
    const res = await call(
      'POST',
      '/api/v1/references?model=newmodel&id=small&description=six+rows',
      {
        body: csv,
        type: 'text/csv',
      },
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      profile_id: 'small',
      model: 'newmodel',
      source: 'upload',
      description: 'six rows',
      features: [
        { feature: '<script>', kind: 'numeric', n: 6 },
        { feature: 'label', kind: 'categorical', n: 5 },
        { feature: 'x', kind: 'numeric', n: 6 },
      ],
    });
    const stored = await loadReferenceProfile(store, 'newmodel', 'small');
    const x = stored?.features.find((f) => f.feature === 'x');
    const values = small.map(([v]) => v as number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    const sorted = [...values].sort((a, b) => a - b);
    expect(x).toMatchObject({ kind: 'numeric', n: 6, min: -4.25, max: 10, sample: sorted });
    if (x?.kind !== 'numeric') throw new Error('x is not numeric');
    expect(x.mean).toBeCloseTo(mean, 12);
    expect(x.std).toBeCloseTo(std, 12);
    // numpy.quantile(values, levels) (linear): exact, since every value is kept.
    expect(x.quantiles).toEqual(exactQuantiles(sorted));
    expect(x.quantiles[500]).toBeCloseTo(2.75, 12);
    expect(x.counts.reduce((a, b) => a + b, 0)).toBe(6);
    // The empty cell is no value; the text column is counted per value.
    expect(stored?.features.find((f) => f.feature === 'label')).toMatchObject({
      kind: 'categorical',
      categories: { a: 3, b: 1, c: 1 },
    });
    expect(stored?.origin).toMatchObject({ source: 'upload', description: 'six rows' });
  });

  it('profiles JSON lines: 5,000 values, quantiles within t-digest tolerance, mean exact', async () => {
    // A lognormal-ish spread: exp of a deterministic pseudo-normal.
    const values = Array.from({ length: 5000 }, (_, i) => {
      const u = ((i * 7919) % 5000) / 5000 + 0.0001;
      const w = ((i * 104729) % 4999) / 4999 + 0.0001;
      return (
        Math.round(
          Math.exp(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w) * 0.5 + 3) * 1000,
        ) / 1000
      );
    });
    const body = values
      .map((v, i) => JSON.stringify({ latency: v, tier: i % 3 === 0 ? 'gold' : 'free' }))
      .join('\n');
    const res = await call('POST', '/api/v1/references?model=newmodel&id=big', {
      body,
      type: 'application/x-ndjson',
    });
    expect(res.status).toBe(201);
    const stored = await loadReferenceProfile(store, 'newmodel', 'big');
    const latency = stored?.features.find((f) => f.feature === 'latency');
    if (latency?.kind !== 'numeric') throw new Error('latency is not numeric');
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(latency).toMatchObject({ n: 5000, min: sorted[0], max: sorted[4999], sample: [] });
    expect(latency.mean).toBeCloseTo(mean, 9);
    const numpy = exactQuantiles(sorted);
    const range = (sorted[4999] as number) - (sorted[0] as number);
    // t-digest: within 1 % of the range on interior levels (a rank error well under 1 %).
    const off = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
      .map((level) => {
        const i = Math.round(level * 1000);
        return [level, Math.abs((latency.quantiles[i] as number) - (numpy[i] as number)) / range];
      })
      .filter(([, error]) => (error as number) >= 0.01);
    expect(off).toEqual([]);
    expect(latency.quantiles).toHaveLength(QUANTILE_LEVELS.length);
    expect(latency.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(5000, 6);
    expect(stored?.features.find((f) => f.feature === 'tier')).toMatchObject({
      categories: { gold: 1667, free: 3333 },
    });
  });

  it.each([
    ['an empty file', '', 'text/csv', 400, /^the uploaded file is empty$/],
    ['a CSV without a header row', '1,2\n3,4\n', 'text/csv', 400, /no header row/],
    [
      'a column neither numeric nor text',
      '{"a":1,"b":[1,2]}\n',
      'application/x-ndjson',
      400,
      /column "b" \(Array\(Nullable\(Int64\)\)\) is neither numeric nor text/,
    ],
    [
      'an unreadable line',
      '{"a":1}\n{"a":\n',
      'application/x-ndjson',
      400,
      /^cannot read the JSON lines upload: /,
    ],
    ['a ragged CSV', 'a,b\n1,2\n"x,3\n', 'text/csv', 400, /^cannot read the CSV upload: /],
    ['another content type', 'a\n1\n', 'text/plain', 415, /expected text\/csv/],
  ])('refuses %s', async (_what, body, type, status, message) => {
    const e = await error(
      await call('POST', '/api/v1/references?model=m&id=bad', { body, type }),
      status,
    );
    expect(e.message).toMatch(message);
  });

  it('refuses a body over the limit (413), a missing model and a bad id (400), a read token (403)', async () => {
    const big = `a\n${'1\n'.repeat(600_000)}`;
    expect(
      (
        await error(
          await call('POST', '/api/v1/references?model=m', { body: big, type: 'text/csv' }),
          413,
        )
      ).code,
    ).toBe('payload_too_large');
    expect(
      (
        await error(
          await call('POST', '/api/v1/references', { body: 'a\n1\n', type: 'text/csv' }),
          400,
        )
      ).message,
    ).toMatch(/^model: /);
    expect(
      (
        await error(
          await call('POST', '/api/v1/references?model=m&id=a/b', {
            body: 'a\n1\n',
            type: 'text/csv',
          }),
          400,
        )
      ).message,
    ).toMatch(/^id: expected an id/);
    await error(
      await call('POST', '/api/v1/references?model=m', {
        body: 'a\n1\n',
        type: 'text/csv',
        token: READ,
      }),
      403,
    );
    await error(
      await postJson(
        '/api/v1/references',
        { model: 'm', from: iso(START), to: iso(START + H) },
        READ,
      ),
      403,
    );
  });

  it('pins a window of the model’s requests under its id (default window_<from>_<to>)', async () => {
    const res = await postJson('/api/v1/references', {
      model: 'chimera',
      from: iso(START),
      to: iso(START + H),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      profile_id: `window_${START}_${START + H}`,
      source: 'window',
      window: { from: iso(START), to: iso(START + H) },
      features: [
        { feature: '<script>', kind: 'numeric', n: 2000 },
        { feature: 'input_tokens', kind: 'numeric', n: 2000 },
        { feature: 'lang', kind: 'categorical', n: 2000 },
        { feature: 'request_type', kind: 'categorical', n: 2000 },
      ],
    });
    const named = await postJson('/api/v1/references', {
      model: 'chimera',
      id: 'first-hour',
      from: iso(START),
      to: iso(START + H),
      description: 'launch day',
    });
    expect(await named.json()).toMatchObject({
      profile_id: 'first-hour',
      description: 'launch day',
    });
    const empty = await error(
      await postJson('/api/v1/references', {
        model: 'chimera',
        from: iso(START + 10 * H),
        to: iso(START + 11 * H),
      }),
      400,
    );
    expect(empty.message).toContain('no feature values');
    const backwards = await error(
      await postJson('/api/v1/references', {
        model: 'chimera',
        from: iso(START + H),
        to: iso(START),
      }),
      400,
    );
    expect(backwards.message).toMatch(/from before to/);
  });

  it('a monitor with reference {profile: ID} judges against the uploaded training set', async () => {
    const upload = await call(
      'POST',
      '/api/v1/references?model=chimera&id=training&description=training+set',
      {
        body: await exportCsv(0, 2),
        type: 'text/csv',
      },
    );
    expect(upload.status).toBe(201);
    const run = async (hour: number) => {
      const res = await postJson('/api/v1/drift/run', {
        model: 'chimera',
        monitor: 'trained',
        window: { from: iso(START + hour * H), to: iso(START + (hour + 1) * H) },
      });
      expect(res.status).toBe(201);
      return (await res.json()) as ReportJson;
    };
    const shifted = await run(3);
    expect(shifted.reference).toEqual({ profile_id: 'training', description: 'training set' });
    const status = Object.fromEntries(shifted.features.map((f) => [f.feature, f.status]));
    // <script> is not in the training file: no reference, insufficient data.
    expect(status).toEqual({
      '<script>': 'insufficient_data',
      input_tokens: 'drifted',
      lang: 'drifted',
      request_type: 'ok',
    });
    expect(shifted.features.find((f) => f.feature === 'input_tokens')?.reference_n).toBe(4000);
    const steady = await run(1);
    expect(steady.features.filter((f) => f.status === 'drifted')).toEqual([]);
    const listing = (await (await get('/api/v1/references?model=chimera')).json()) as {
      references: { profile_id: string; source: string; features: number }[];
    };
    expect(listing.references.find((r) => r.profile_id === 'training')).toMatchObject({
      source: 'upload',
      features: 3,
    });
  });
});
