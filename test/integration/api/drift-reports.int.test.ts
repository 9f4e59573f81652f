// The drift report routes over real HTTP on the real embedded store (test/helpers/drift-api.ts):
// run a monitor now, list reports with filters and validation, show one as JSON and as the
// standalone HTML page, 404, scopes.
import type { ReportJson } from '../../../src/drift/report-json';
import {
  ADMIN,
  type DriftApi,
  errorOf,
  H,
  iso,
  READ,
  START,
  startDriftApi,
} from '../../helpers/drift-api';

let api: DriftApi;
beforeAll(async () => {
  api = await startDriftApi('drift_reports_api');
}, 60_000);
afterAll(async () => {
  await api.close();
});
const postJson: DriftApi['postJson'] = (...args) => api.postJson(...args);
const get: DriftApi['get'] = (...args) => api.get(...args);
const error = errorOf;

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
